// Model shapes the benchmark builds in memory with seeded weights (the engine's seededCheckpoint, no download),
// llama2.c's tinyllamas sizes.
import {toConfig} from "../src/engine/config.ts";

export const SHAPES = {
  stories260K: toConfig({dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, vocabSize: 512, seqLen: 512}),
  stories15M: toConfig({dim: 288, hiddenDim: 768, nLayers: 6, nHeads: 6, vocabSize: 32000, seqLen: 256}),
  stories110M: toConfig({dim: 768, hiddenDim: 2048, nLayers: 12, nHeads: 12, vocabSize: 32000, seqLen: 1024})
} as const;
export type ShapeName = keyof typeof SHAPES;

export function toShapeName(name: string): ShapeName {
  if (!(name in SHAPES)) throw new Error(`invalid shape: ${name} (one of ${Object.keys(SHAPES).join(", ")})`);
  return name as ShapeName;
}

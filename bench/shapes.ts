// Model shapes the benchmark builds in memory with random weights (no download), llama2.c's tinyllamas sizes.
import {writeCheckpoint} from "../src/engine/checkpoint.ts";
import {toConfig} from "../src/engine/config.ts";
import {weightsFloats, weightsFromBuffer, weightShapes, type Config} from "../src/engine/model.ts";
import {Rng} from "../src/engine/rng.ts";

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

/** A legacy checkpoint of this shape: uniform weights of scale sqrt(3/n) (unit variance per layer), norms 1. */
export function randomCheckpoint(c: Config, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  const flat = new Float32Array(weightsFloats(c));
  let offset = 0;
  for (const [name, shape] of weightShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = name === "rmsAtt" || name === "rmsFfn" || name === "rmsFinal";
    const scale = Math.sqrt(3 / shape[shape.length - 1]!);
    for (let i = 0; i < n; i++) flat[offset + i] = isNorm ? 1 : (2 * rng.nextF32() - 1) * scale;
    offset += n;
  }
  return writeCheckpoint(c, weightsFromBuffer(c, flat));
}

// Model shapes the benchmark runs without a download: llama2.c's tinyllamas sizes, built in memory with seeded weights
// (the engine's seededCheckpoint), and real models' shapes (src/model-files/shapes.ts: smollm2-135m, qwen2.5-0.5b, …)
// written once as random-weight GGUF files by the shape writer in a preset, so the peers run the very same file.
import {existsSync, mkdirSync, renameSync} from "node:fs";
import {join} from "node:path";
import {toConfig} from "../src/engine/config.ts";
import {writeGgufFile} from "../src/model-files/gguf/write.node.ts";
import {MODEL_SHAPES} from "../src/model-files/shapes.ts";
import {formatQuantSpec, toQuantSpec} from "../src/quant/spec.ts";
import {shapeGguf} from "../src/quant/presets/index.ts";

export const SHAPES = {
  stories260K: toConfig({dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, vocabSize: 512, seqLen: 512}),
  stories15M: toConfig({dim: 288, hiddenDim: 768, nLayers: 6, nHeads: 6, vocabSize: 32000, seqLen: 256}),
  stories110M: toConfig({dim: 768, hiddenDim: 2048, nLayers: 12, nHeads: 12, vocabSize: 32000, seqLen: 1024})
} as const;
export type ShapeName = keyof typeof SHAPES;

/** A llama2.c shape (in memory) or a real model's shape (a GGUF file). */
export type BenchShape = ShapeName | (typeof MODEL_SHAPES)[number]["name"];

export const isModelShape = (name: string) => MODEL_SHAPES.some((s) => s.name === name);

export function toShapeName(name: string): BenchShape {
  if (!(name in SHAPES) && !isModelShape(name))
    throw new Error(
      `invalid shape: ${name} (one of ${[...Object.keys(SHAPES), ...MODEL_SHAPES.map((s) => s.name)].join(", ")})`
    );
  return name as BenchShape;
}

/**
 * The random-weight GGUF of a real model's shape in a preset spec (default preset=Q8_0), seed 1, written into `dir`
 * once (a later run reuses it: the writer is deterministic); `layers` keeps the first layers only (the quick run).
 */
export async function shapeFile(
  name: string,
  quant: string | undefined,
  dir: string,
  layers?: number
): Promise<string> {
  const spec = toQuantSpec(quant ?? "preset=Q8_0");
  if (spec.preset === undefined)
    throw new Error(`invalid quant: ${quant} (a shape is written in a preset: --quant preset=Q4_K_M[,target=type…])`);
  const text = formatQuantSpec(spec);
  const file = join(dir, `${name}${layers ? `-${layers}l` : ""}.${text.replace(/[^A-Za-z0-9_.=-]+/g, "_")}.gguf`);
  if (existsSync(file)) return file;
  mkdirSync(dir, {recursive: true});
  await writeGgufFile(`${file}.part`, shapeGguf(name, spec, {seed: 1, layers}).out);
  renameSync(`${file}.part`, file); // a run stopped mid-write leaves no file that looks whole
  return file;
}

// glassbox shape NAME (--preset P | --quant preset=P[,target=type…]) [--seed N] [--layers N] --out f.gguf [--json]
// A random-weight GGUF file of a real model's shape (smollm2-135m, smollm2-360m, qwen2.5-0.5b, tinyllama-1.1b; the
// table is src/model-files/shapes.ts) in any preset, deterministic from the seed, with a synthetic vocabulary
// llama.cpp accepts: real sizes for benchmarks and model tests without downloading weights. Prints the per-tensor
// table as quantize --model does. Tensors are made and written one at a time.
import {MODEL_SHAPES} from "../../model-files/shapes.ts";
import {writeGgufFile} from "../../model-files/gguf/write.node.ts";
import {shapeGguf} from "../../quant/presets/index.ts";
import type {Command} from "../command.ts";
import {toInt} from "../options.ts";
import {QUANTIZE_MODEL_OPTIONS, reportPlan, specOf} from "./quantize-model.ts";

export const shapeCommand: Command = {
  name: "shape",
  summary: "write a random-weight GGUF of a real model's shape in a llama-quantize preset",
  modelOptions: false,
  positional: "shape",
  options: [
    {name: "shape", type: "string", arg: "NAME", help: `the shape: ${MODEL_SHAPES.map((s) => s.name).join(" ")}`},
    ...QUANTIZE_MODEL_OPTIONS.filter((o) => o.name !== "model" && o.name !== "tokenizer"),
    {name: "seed", type: "int", arg: "N", help: "the weights' seed, a positive integer (default 1)"},
    {name: "layers", type: "int", arg: "N", help: "keep only the first N layers (default: all of the shape's)"},
    {name: "out", type: "string", arg: "FILE", help: "the GGUF file to write"},
    {name: "json", type: "boolean", help: "print one JSON object"}
  ],
  async run(raw, io) {
    if (typeof raw.shape !== "string")
      throw new Error(`invalid shape: missing (glassbox shape NAME: ${MODEL_SHAPES.map((s) => s.name).join(", ")})`);
    if (typeof raw.out !== "string") throw new Error("invalid out: missing (--out FILE, the GGUF file to write)");
    const spec = specOf(raw, "glassbox shape NAME");
    const seed = toInt(raw, "seed", {min: 1});
    const layers = toInt(raw, "layers", {min: 1});
    const q = shapeGguf(raw.shape, spec, {seed, layers});
    const fileBytes = await writeGgufFile(raw.out, q.out);
    reportPlan(io, q, {shape: raw.shape, seed: seed ?? 1}, raw.json === true, raw.out, fileBytes);
  }
};

// Real shapes without real weights: `glassbox shape NAME --preset P --out f.gguf` writes a file the engine loads and
// runs, with the shape's hyperparameters, tensors and a vocabulary its tokenizer reads; deterministic from the seed.
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loadGgufModel, prefill} from "../../src/engine/index.ts";
import {readLlamaModel} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {MODEL_SHAPES, toModelShape, type ModelShape} from "../../src/model-files/shapes.ts";
import {decodeTensor, shapeGguf, WEIGHT_STD} from "../../src/quant/presets/index.ts";
import {tokenizerFromGguf} from "../../src/tokenizers/gguf-vocab.ts";
import {sha256} from "../helpers/gguf-fixtures.ts";
import {glassboxInProcess as glassbox} from "../cli/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "glassbox-shape-"));
const TEXT = "Once upon a time, there was a little girl named Lily.";
/** writing and running a file of real size on a loaded 2-core machine */
const SLOW = 300_000;

/** Writes the shape with glassbox shape, loads it, checks hyperparameters, tokenizer and finite logits. */
async function writeAndRun(shape: ModelShape, args: string[], layers = shape.nLayers) {
  const out = join(dir, `${shape.name}.${layers}.gguf`);
  const run = await glassbox("shape", shape.name, ...args, "--out", out, "--json");
  expect(run.status, run.stderr).toBe(0);
  const source = await openFileSource(out);
  try {
    const {model, gguf} = await loadGgufModel(source, {ctx: 16});
    const p = readLlamaModel(gguf).params;
    expect([p.architecture, p.dim, p.nLayers, p.nHeads, p.nKvHeads, p.hiddenDim, p.vocabSize]).toEqual([
      shape.architecture,
      shape.dim,
      layers,
      shape.nHeads,
      shape.nKvHeads,
      shape.hiddenDim,
      shape.vocabSize
    ]);
    expect([p.tiedOutput, p.ropeTheta, p.contextLength]).toEqual([shape.tied, shape.ropeTheta, shape.contextLength]);
    expect(p.rmsEps).toBeCloseTo(shape.rmsEps, 12);
    const biases = gguf.tensors.filter((t) => t.name.endsWith(".bias")).length;
    expect(biases).toBe(shape.architecture === "qwen2" ? 3 * layers : 0);
    const tokenizer = tokenizerFromGguf(gguf.metadata);
    const ids = tokenizer.encode(TEXT, {addSpecial: true});
    // the merges grow words: fewer tokens than bytes, and the text comes back
    expect(ids.length).toBeLessThan(TEXT.length / 2);
    expect(tokenizer.decode(ids, {removeSpecial: true})).toContain(TEXT);
    const logits = prefill(model, ids.slice(0, 4));
    expect(logits.length).toBe(4 * shape.vocabSize);
    expect(logits.every(Number.isFinite)).toBe(true);
    return {summary: JSON.parse(run.stdout), gguf};
  } finally {
    await source.close();
  }
}

describe("glassbox shape NAME --preset P --out f.gguf", () => {
  it(
    "smollm2-135m in Q8_0, all 30 layers: llama.cpp's tensors, the engine loads and runs it",
    async () => {
      const shape = toModelShape("smollm2-135m");
      const {summary, gguf} = await writeAndRun(shape, ["--preset", "Q8_0", "--seed", "3"]);
      expect(gguf.tensors).toHaveLength(2 + 9 * 30);
      expect(gguf.tensor("output.weight")).toBeUndefined();
      const types = new Set(gguf.tensors.filter((t) => t.shape.length === 2).map((t) => t.type.name));
      expect([...types]).toEqual(["Q8_0"]);
      expect(gguf.metadata.getU32("general.file_type")).toBe(7);
      expect(gguf.metadata.getString("tokenizer.ggml.pre")).toBe("smollm");
      expect(summary.weights).toBe(134515008);
      expect(summary.fileBytes).toBeGreaterThan(summary.bytes);
    },
    SLOW
  );

  // Q8_0 for tinyllama: its 2048-wide rows all take the K-quants, whose reference quantizers are slow on 131M values
  for (const [name, preset] of [
    ["smollm2-360m", "Q4_K_M"],
    ["qwen2.5-0.5b", "Q4_K_M"],
    ["tinyllama-1.1b", "Q8_0"]
  ])
    it(
      `${name} --layers 1 in ${preset}: its hyperparameters, vocabulary and llama-quantize's types; runs`,
      async () => {
        const shape = toModelShape(name!);
        const {summary} = await writeAndRun(shape, ["--preset", preset!, "--layers", "1"], 1);
        const plan = shapeGguf(shape, preset!, {layers: 1}).plan;
        expect(summary.tensors.map((t: {type: string}) => t.type)).toEqual(plan.map((p) => p.type));
      },
      SLOW
    );

  it("is deterministic from the seed, tensor by tensor, and the preset does not change the values", async () => {
    const tensor = (seed: number, preset: string) =>
      shapeGguf("smollm2-135m", preset, {seed, layers: 2}).out.tensors.find((t) => t.name === "blk.1.attn_k.weight")!;
    const a = await tensor(5, "Q8_0").data();
    expect(sha256(await tensor(5, "Q8_0").data())).toBe(sha256(a));
    expect(sha256(await tensor(6, "Q8_0").data())).not.toBe(sha256(a));
    const f16 = decodeTensor("F16", await tensor(5, "F16").data(), 576 * 192);
    const q8 = decodeTensor("Q8_0", a, 576 * 192);
    let err = 0;
    let sq = 0;
    for (let i = 0; i < f16.length; i++) {
      err = Math.max(err, Math.abs(f16[i]! - q8[i]!));
      sq += f16[i]! * f16[i]!;
    }
    // the same values in both types: Q8_0's step is amax/127 ≈ 3.5e-4 here
    expect(err).toBeLessThan(4e-4);
    expect(Math.sqrt(sq / f16.length)).toBeCloseTo(WEIGHT_STD, 3);
  });

  it("covers every shape of the table", () => {
    expect(MODEL_SHAPES.map((s) => s.name)).toEqual(["smollm2-135m", "smollm2-360m", "qwen2.5-0.5b", "tinyllama-1.1b"]);
  });

  const refusals: [string, string[], RegExp][] = [
    ["an unknown shape", ["llama-7b", "--preset", "Q8_0"], /invalid shape: llama-7b \(one of smollm2-135m, /],
    ["more layers than the shape", ["smollm2-135m", "--preset", "Q8_0", "--layers", "31"], /invalid layers: 31/],
    ["no preset", ["smollm2-135m"], /invalid preset: missing/],
    ["a plain spec", ["smollm2-135m", "--quant", "q8_0"], /invalid quant spec: q8_0/],
    ["an unknown preset", ["smollm2-135m", "--preset", "Q9"], /invalid preset: Q9/]
  ];
  for (const [what, args, message] of refusals)
    it(`refuses ${what}`, async () => {
      const run = await glassbox("shape", ...args, "--out", join(dir, "refused.gguf"));
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
    });
});

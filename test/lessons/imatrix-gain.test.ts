// What the importance matrix buys on the built-in model (issue 23): collected from its own activations, the
// importance of blk.0.ffn_down raises the importance-weighted SQNR in every compared format; the chart's data are
// the importance per column and the mean |w| of each column; imatrixGain on synthetic data with an extreme column.
import {describe, expect, it} from "vitest";
import {loadDefaultModel} from "../../src/engine/default-model.ts";
import {encode} from "../../src/tokenizers/llama2c.ts";
import {imatrixGain, IMATRIX_FORMATS, modelImatrixGain} from "../../src/lessons/experiments/index.ts";
import {expectClose} from "../helpers/expect-close.ts";

const STORY =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine. One day she saw " +
  "a big red ball in the park. She ran to the ball and kicked it high into the sky. ";

describe("modelImatrixGain(model, tokens, options) on the built-in model", () => {
  it("blk.0.ffn_down: a higher importance-weighted SQNR with the importance in every format", async () => {
    const {model, tokenizer} = loadDefaultModel();
    const tokens = encode(tokenizer, STORY.repeat(6));
    const g = await modelImatrixGain(model, tokens, {ctx: 128});
    expect([g.tensor, g.rows, g.cols, g.chunks]).toEqual([
      "blk.0.ffn_down.weight",
      64,
      192,
      Math.floor(tokens.length / 128)
    ]);
    expect(g.formats.map((r) => r.format)).toEqual(IMATRIX_FORMATS);
    for (const r of g.formats) {
      expect(r.weightedSqnrImatrix, r.format).toBeGreaterThan(r.weightedSqnrPlain);
      expectClose(r.gainDb, r.weightedSqnrImatrix - r.weightedSqnrPlain, {atol: 1e-12}, r.format);
    }
    // rows of 192: the K-quants are simulated runs and say so; the 32-blocks are whole
    expect(g.formats.find((r) => r.format === "q4_k")!.note).toMatch(/^simulated: llama\.cpp would store/);
    expect(g.formats.find((r) => r.format === "q4_0")!.note).toBeNull();
    const w = model.weights.w2.subarray(0, 64 * 192);
    const mean = Array.from({length: 192}, (_, j) => {
      let s = 0;
      for (let r = 0; r < 64; r++) s += Math.abs(w[r * 192 + j]!);
      return s / 64;
    });
    expectClose(g.weightMagnitude, mean, {rtol: 1e-9}, "mean |w|");
    expect(g.importance.every((v) => v > 0)).toBe(true);
  });

  it("refuses token_embd and, on a shared classifier, output", async () => {
    const {model, tokenizer} = loadDefaultModel();
    const tokens = encode(tokenizer, STORY.repeat(6));
    await expect(modelImatrixGain(model, tokens, {ctx: 128, name: "token_embd"})).rejects.toThrow(
      /^invalid name: token_embd/
    );
    await expect(modelImatrixGain(model, tokens, {ctx: 128, name: "output"})).rejects.toThrow(
      /^invalid name: output\.weight/
    );
  });
});

describe("imatrixGain(w, rows, cols, importance, formats)", () => {
  it("one column 1000× more important: the weighted quantizer cuts that column's share of the error", () => {
    const rows = 32;
    const cols = 256;
    let s = 9;
    const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
    const w = Float32Array.from({length: rows * cols}, rnd);
    const qw = new Float32Array(cols).fill(1);
    qw[100] = 1000;
    const g = imatrixGain(w, rows, cols, qw, ["q4_k", "q4_0"]);
    for (const r of g.formats) expect(r.gainDb, r.format).toBeGreaterThan(1);
  });
});

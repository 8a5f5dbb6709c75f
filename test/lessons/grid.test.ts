// The quantization-error notebook's helpers: the grid of a block found by probing the format's own quantizer (the
// levels of each scheme, every dequantized weight on one of them), the chart inputs built from it, and the SQNR per
// tensor, per layer and per block read from the quant provider.
import {describe, expect, it} from "vitest";
import {loadDefaultModel} from "../../src/engine/index.ts";
import {NF4_LEVELS, setQuant, sqnrDb} from "../../src/quant/index.ts";
import {
  blockGrid,
  blockSqnr,
  gridStrip,
  layerSqnr,
  originalOf,
  outlierBlock,
  tensorErrors
} from "../../src/lessons/experiments/index.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** A block of 32 deterministic weights with one outlier. */
function block(n = 32, scale = 0.02): Float32Array {
  const b = Float32Array.from({length: n}, (_, i) => scale * Math.cos(i * 0.37) * Math.cos(i * 0.011));
  b[5] = 6 * scale;
  return b;
}

/** Level arithmetic in float32 (fp16 scales times small integers). */
const LEVEL_RTOL = 1e-6;

describe("blockGrid(format, block)", () => {
  it.each([
    ["q4_0", 16, 32],
    ["q4_1", 16, 32],
    ["q5_0", 32, 32],
    ["nf4", 16, 64],
    ["int3:g32:sym", 7, 32],
    ["int3:g32:asym", 8, 32],
    ["int4:row:sym", 15, 384],
    ["q8_0", 255, 32]
  ])(
    "blockGrid(%s, block) finds the format's %i levels, and every dequantized weight is one of them",
    (format, n, size) => {
      const b = block(size);
      const {levels, dequantized} = blockGrid(format, b);
      expect(levels.length).toBe(n);
      for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeGreaterThan(levels[i - 1]!);
      const set = new Set(levels);
      for (const v of dequantized) expect(set.has(v), `${v} on the grid`).toBe(true);
    }
  );

  it("blockGrid(nf4, block) levels are the NF4 codebook times the block's absmax", () => {
    const b = block(64);
    const amax = Math.max(...b.map(Math.abs));
    expectClose(
      blockGrid("nf4", b).levels,
      Float32Array.from(NF4_LEVELS, (l) => l * amax),
      {rtol: LEVEL_RTOL},
      "nf4"
    );
  });

  it("blockGrid(f16, block) has too many levels to draw and returns none", () => {
    expect(blockGrid("f16", block()).levels.length).toBe(0);
  });

  it("outlierBlock(w, size) finds the block of the largest |w|", () => {
    const w = new Float32Array(96).fill(0.1);
    w[70] = -3;
    expect(outlierBlock(w, 32)).toBe(2);
  });

  it("gridStrip(format, w, size, first, count) gives scales, offsets and a codebook that reproduce each block's levels", () => {
    const w = new Float32Array(128);
    for (let b = 0; b < 4; b++) w.set(block(32, 0.01 * (b + 1)), 32 * b);
    const strip = gridStrip("q4_1", w, 32, 1, 2);
    expect(strip.weights).toHaveLength(64);
    expect(strip.scales).toHaveLength(2);
    for (let g = 0; g < 2; g++) {
      const expected = blockGrid("q4_1", w.subarray(32 * (g + 1), 32 * (g + 2))).levels;
      const rebuilt = strip.codebook.map((c) => c * strip.scales[g]! + strip.offsets[g]!);
      expectClose(rebuilt, expected, {atol: 1e-7}, `block ${g}`);
    }
  });
});

describe("tensor errors of a quantized model", () => {
  const {model} = loadDefaultModel();

  it("tensorErrors(model, provider) gives every matrix once, with the SQNR of the weights the model uses", () => {
    const provider = setQuant(model, {quant: "q4_0,blk.1.ffn_down=q8_0", weights: "cached"});
    const errors = tensorErrors(model, provider);
    // every layer's 7 matrices + the embedding (+ the classifier unless it shares the embedding's table)
    const {nLayers, sharedClassifier} = model.config;
    expect(errors).toHaveLength(nLayers * 7 + (sharedClassifier ? 1 : 2));
    const down = errors.find((e) => e.target === "blk.1.ffn_down")!;
    expect(down.format).toBe("q8_0");
    expect(down.sqnrDb).toBeCloseTo(sqnrDb(originalOf(model, "ffn_down", 1), provider.effective("ffn_down", 1)), 9);
    const q = errors.find((e) => e.target === "blk.1.attn_q")!;
    expect(down.sqnrDb - q.sqnrDb).toBeGreaterThan(15);
    expect(errors[0]!.target).toBe("token_embd");
  });

  it("layerSqnr(errors, nLayers) pools each layer's matrices; an fp32 layer has infinite SQNR", () => {
    const provider = setQuant(model, {quant: "q4_0,l2=fp32", weights: "cached"});
    const {layers, model: whole} = layerSqnr(tensorErrors(model, provider), model.config.nLayers);
    expect(layers).toHaveLength(model.config.nLayers);
    expect(layers[2]).toBe(Infinity);
    const quantized = layers.filter((_, l) => l !== 2);
    for (const db of quantized) expect(db).toBeGreaterThan(15);
    expect(whole).toBeGreaterThan(Math.min(...quantized));
  });

  it("blockSqnr(model, provider, name, layer) has one SQNR per block, rows × blocks per row", () => {
    const provider = setQuant(model, {quant: "int4:g64:sym", weights: "cached"});
    const b = blockSqnr(model, provider, "ffn_down", 0);
    const {dim, hiddenDim} = model.config; // ffn_down is (dim, hiddenDim)
    expect([b.rows, b.cols, b.blockSize]).toEqual([dim, Math.ceil(hiddenDim / 64), 64]);
    expect(b.sqnr).toHaveLength(dim * Math.ceil(hiddenDim / 64));
    for (const v of b.sqnr) expect(v).toBeGreaterThan(5);
    expect(() => blockSqnr(model, provider, "output", 3)).toThrow("invalid matrix: output in layer 3");
  });
});

// The quantization-error notebook's K-quant helpers on the built-in model (issue 17): every matrix is simulated (rows of
// 64 and 192) and says what llama.cpp would store; the error per block is per sub-block; a super-block's grid is read
// from its bytes.
import {describe, expect, it} from "vitest";
import {loadDefaultModel} from "../../src/engine/index.ts";
import {setQuant, simulatedNotes, specSimulatedNotes, sqnrDb} from "../../src/quant/index.ts";
import {
  blockSqnr,
  originalOf,
  outlierBlock,
  subBlockSize,
  subBlockStrip,
  superBlockGrid,
  targetOf,
  tensorErrors
} from "../../src/lessons/experiments/index.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** strip levels rebuilt as codebook·scale + offset against the exact ones: float32 rounding of an affine map */
const STRIP_LEVEL_ATOL = 1e-7;

describe("K-quants on the built-in model (rows of 64 and 192: simulated)", () => {
  const {model} = loadDefaultModel();

  it("simulatedNotes(report) names llama.cpp's fallback once, for every quantized matrix", () => {
    const provider = setQuant(model, {quant: "q4_k,l0=fp32,emb=q8_0", weights: "cached"});
    const notes = simulatedNotes(provider.report());
    expect(notes.map((n) => n.note)).toEqual(["simulated: llama.cpp would store this tensor as q5_0"]);
    // layers 1.. (7 matrices each) and the classifier (q4_k: the spec names only the embedding), not the q8_0 embedding
    const targets = notes[0]!.matrices.map(({name, layer}) => targetOf(name, layer));
    expect(targets).toHaveLength((model.config.nLayers - 1) * 7 + 1);
    expect(targets).toContain("blk.1.attn_q");
    expect(targets).toContain("output");
    expect(targets).not.toContain("token_embd");
    expect(simulatedNotes(setQuant(model, {quant: "q4_0"}).report())).toEqual([]);
  });

  it("specSimulatedNotes(config, spec) gives the provider's notes from the shapes alone", () => {
    for (const quant of ["q4_k,l0=fp32,emb=q8_0", "q2_k,w2=q6_k", "q4_0,l1.wq=q3_k"]) {
      const report = setQuant(model, {quant, weights: "cached"}).report();
      expect(specSimulatedNotes(model.config, quant), quant).toEqual(simulatedNotes(report));
    }
    expect(specSimulatedNotes(model.config, "q2_k,w2=q6_k").map((n) => n.note)).toEqual([
      "simulated: llama.cpp would store this tensor as iq4_nl",
      "simulated: llama.cpp would store this tensor as q8_0"
    ]);
  });

  it("tensorErrors(model, q2_k … q6_k) rises with the bits, every tensor's SQNR finite", () => {
    const model1 = tensorErrors(model, setQuant(model, {quant: "q2_k", weights: "cached"}));
    const mean = (quant: string) => {
      const errors = tensorErrors(model, setQuant(model, {quant, weights: "cached"}));
      return errors.reduce((s, e) => s + e.sqnrDb, 0) / errors.length;
    };
    for (const e of model1) expect(Number.isFinite(e.sqnrDb), e.target).toBe(true);
    const db = ["q2_k", "q3_k", "q4_k", "q5_k", "q6_k"].map(mean);
    for (let i = 1; i < db.length; i++) expect(db[i]!, `after ${i}`).toBeGreaterThan(db[i - 1]!);
  });

  it("blockSqnr(model, q4_k provider, wq, 0) is per sub-block of 32 (q2_k: 16)", () => {
    for (const [quant, size] of [
      ["q4_k", 32],
      ["q2_k", 16]
    ] as const) {
      const b = blockSqnr(model, setQuant(model, {quant, weights: "cached"}), "attn_q", 0);
      const {dim} = model.config;
      expect([b.rows, b.cols, b.blockSize]).toEqual([dim, dim / size, size]);
    }
    expect(subBlockSize("q6_k")).toBe(16);
    expect(subBlockSize("q4_0")).toBeNull();
  });

  it("superBlockGrid(q4_k, wq, …) holds the outlier's sub-block, its dequantized values the provider's", () => {
    const provider = setQuant(model, {quant: "q4_k", weights: "cached"});
    const w = originalOf(model, "attn_q", 0);
    const {dim} = model.config;
    const sub = outlierBlock(w, 32);
    const block = Math.floor((sub * 32) / 256);
    const g = superBlockGrid("q4_k", w, dim, dim, block)!;
    expect(g.simulated).toBe("simulated: llama.cpp would store this tensor as q5_0");
    expect(g.scales.scales[sub % 8]).toBe(63); // the outlier's sub-block sets d
    const effective = provider.effective("attn_q", 0).subarray(block * 256, block * 256 + 256);
    expect(Array.from(g.dequantized)).toEqual(Array.from(effective));
    expect(sqnrDb(g.weights, g.dequantized)).toBeGreaterThan(10);
    const strip = subBlockStrip(g, 2, 3);
    strip.scales.forEach((scale, i) => {
      const rebuilt = strip.codebook.map((c) => c * scale + strip.offsets[i]!);
      expectClose(rebuilt, g.levels[2 + i]!, {atol: STRIP_LEVEL_ATOL}, `sub-block ${2 + i}`);
    });
    expect(superBlockGrid("q4_0", w, dim, dim, 0)).toBeNull();
  });
});

// @vitest-environment jsdom
// The real-models notebook's helpers (issue 25) on the built-in model: llama-quantize's plan on its tensors (every
// K-quant a fallback) and on rand-256's GGUF (the fixture's types exactly), the llama-perplexity report of a quant
// spec against fp32 on the same copy, and the one-matrix-at-a-time ranking beside the preset's choices.
import {describe, expect, it} from "vitest";
import {ggufPlan} from "../../src/engine/gguf.ts";
import {encode, loadDefaultModel} from "../../src/engine/index.ts";
import {
  heldOutText,
  blockCount,
  blockTable,
  hurtTable,
  openBlock,
  outlierReport,
  kldReport,
  kldReportElement,
  planSummary,
  planTable,
  presetAgreement,
  tensorPlan,
  whichTensorHurts,
  type TensorHurt
} from "../../src/lessons/real-models/index.ts";
import {originalOf} from "../../src/lessons/experiments/index.ts";
import {readGguf} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {describeWithFixtures, fixturePath, readFixtureJson} from "../helpers/fixtures.ts";

const SLOW = 300_000;
const CTX = 64;

describe("tensorPlan(config, spec) on the built-in model", () => {
  const {model} = loadDefaultModel();
  it("preset=Q4_K_M: rows of 64 and 192 fit no K-quant, every layer matrix falls back", () => {
    const plan = tensorPlan(model.config, "preset=Q4_K_M");
    const s = planSummary(plan);
    expect(s.matrices).toBe(1 + 7 * model.config.nLayers);
    expect(s.fallbacks).toBe(7 * model.config.nLayers);
    expect(s.fallbackRows).toEqual([64, 192]);
    const table = planTable(plan);
    expect(table.querySelectorAll("tbody tr")).toHaveLength(plan.length);
    expect(table.querySelectorAll("tbody tr[data-fallback]")).toHaveLength(s.fallbacks);
    expect(table.querySelector('tr[data-tensor="blk.0.attn_q.weight"]')?.getAttribute("data-type")).toBe("Q5_0");
  });
  it("a plain K-quant format is simulated, named so", () => {
    const plan = tensorPlan(model.config, "q4_k");
    expect(plan.find((t) => t.name === "blk.0.ffn_up.weight")?.type).toBeUndefined();
    expect(planTable(plan).querySelector('tr[data-tensor="blk.0.ffn_up.weight"]')?.getAttribute("data-type")).toBe(
      "q4_k (simulated)"
    );
  });
});

describeWithFixtures("gguf", "tensorPlan on rand-256 (rows of 256): llama-quantize's file", () => {
  it("preset=Q4_K_M gives every tensor the type rand-256.q4_k_m.gguf holds, no fallback", async () => {
    const source = await openFileSource(fixturePath("gguf", "rand-256.f32.gguf"));
    const {config} = ggufPlan(await readGguf(source));
    await source.close();
    const plan = tensorPlan(config, "preset=Q4_K_M");
    const {tensors} = readFixtureJson<{tensors: {name: string; type: string}[]}>("gguf", "rand-256.q4_k_m.json");
    const want = new Map(tensors.map((t) => [t.name, t.type]));
    expect(plan.map((t) => [t.name, t.type])).toEqual(plan.map((t) => [t.name, want.get(t.name)]));
    expect(planSummary(plan).fallbacks).toBe(0);
  });
});

describe("kldReport(model, spec, tokens) on the built-in model", () => {
  const {model, tokenizer} = loadDefaultModel();
  const tokens = encode(tokenizer, heldOutText(12));
  it(
    "fp32 base and quantized copy on one model: q4_0 costs more than q8_0; the text llama-perplexity prints",
    async () => {
      const before = model.matrices;
      const q8 = await kldReport(model, "q8_0", tokens, {ctx: CTX, bos: tokens[0]!});
      const q4 = await kldReport(model, "q4_0", tokens, {ctx: CTX, bos: tokens[0]!});
      expect(model.matrices).toBe(before);
      expect(q8.chunking.n_chunk).toBe(Math.floor(tokens.length / CTX));
      expect(q8.chunking.n_scored).toBe(q8.chunking.n_chunk * 31);
      expect(q4.statistics.kld_mean.value).toBeGreaterThan(2 * q8.statistics.kld_mean.value);
      expect(q8.statistics.same_top_p_percent.value).toBeGreaterThan(q4.statistics.same_top_p_percent.value);
      const pre = kldReportElement(q4);
      expect(Number(pre.dataset.kldMean)).toBe(q4.statistics.kld_mean.value);
      expect(pre.textContent).toContain("====== KL divergence statistics ======");
      expect(pre.textContent!.split("\n").filter((l) => /^ {2,3}\d+ {3}/.test(l))).toHaveLength(q4.chunking.n_chunk);
    },
    SLOW
  );
  it("stops between chunks when its signal aborts", async () => {
    const signal = AbortSignal.abort(new Error("stopped"));
    await expect(kldReport(model, "q4_0", tokens, {ctx: CTX, bos: tokens[0]!, signal})).rejects.toThrow("stopped");
  });
});

describe("whichTensorHurts(model, tokens, format, plan)", () => {
  const {model, tokenizer} = loadDefaultModel();
  const tokens = encode(tokenizer, heldOutText(6));
  it(
    "ranks every matrix by KLD alone, worst first, with the preset's type beside it",
    async () => {
      const plan = tensorPlan(model.config, "preset=Q4_K_M");
      const hurts = await whichTensorHurts(model, tokens, "q4_0", plan, {ctx: CTX});
      expect(hurts).toHaveLength(2 + 7 * model.config.nLayers);
      expect(hurts.map((h) => h.rank)).toEqual(hurts.map((_, i) => i + 1));
      for (let i = 1; i < hurts.length; i++) expect(hurts[i]!.kld).toBeLessThanOrEqual(hurts[i - 1]!.kld);
      // tied classifier: output is token_embd, which takes the output rule
      expect(hurts.find((h) => h.target === "output")?.preset?.type).toBe("Q8_0");
      expect(hurts.every((h) => h.preset)).toBe(true);
      expect(hurtTable(hurts, "Q4_K_M").querySelectorAll("tbody tr")).toHaveLength(hurts.length);
    },
    SLOW
  );
  it("presetAgreement: +1 when bits rise with KLD, −1 when they fall, 0 with equal bits", () => {
    const row = (kld: number, bpw: number): TensorHurt => ({
      target: "t",
      rank: 0,
      kld,
      sameTopPct: 0,
      preset: {type: "x", bpw, rule: ""}
    });
    expect(presetAgreement([row(1, 4), row(2, 5), row(3, 8)])).toBeCloseTo(1, 12);
    expect(presetAgreement([row(1, 8), row(2, 5), row(3, 4)])).toBeCloseTo(-1, 12);
    expect(presetAgreement([row(1, 5), row(2, 5), row(3, 5)])).toBe(0);
  });
});

describe("outlierReport(model, tokens)", () => {
  const {model, tokenizer} = loadDefaultModel();
  const tokens = encode(tokenizer, heldOutText(1)).slice(0, 48);
  it("max |x| per channel and layer, the largest activations in order, attention on token 0 per head", () => {
    const r = outlierReport(model, tokens, 5);
    const {nLayers: L, dim: D, nHeads: NH} = model.config;
    expect([r.rows, r.cols, r.heads]).toEqual([L + 1, D, NH]);
    expect(model.hooks).toBeNull();
    const largest = Math.max(...r.channelMax);
    expect(Math.abs(r.top[0]!.value)).toBe(largest);
    for (let i = 1; i < r.top.length; i++)
      expect(Math.abs(r.top[i]!.value)).toBeLessThanOrEqual(Math.abs(r.top[i - 1]!.value));
    const t = r.top[0]!;
    expect(r.channelMax[(t.layer + 1) * D + t.channel]).toBe(Math.abs(t.value));
    for (const m of r.sink) expect(m >= 0 && m <= 1).toBe(true);
    for (const q of r.ratio) expect(q).toBeGreaterThan(1);
  });
  it("refuses a single token: no query after the first", () => {
    expect(() => outlierReport(model, [1])).toThrow(/invalid tokens: 1/);
  });
});

describe("openBlock(format, w, rows, cols, block)", () => {
  const {model} = loadDefaultModel();
  const w = originalOf(model, "attn_q", 0);
  const {dim} = model.config;
  it("q4_k: a super-block of 8 sub-blocks with d, dmin, 6-bit scales; simulated on rows of 64, and named so", () => {
    const b = openBlock("q4_k", w, dim, dim, 3);
    expect([b.size, b.subSize, b.scales?.scales.length, b.scales?.scaleBits]).toEqual([256, 32, 8, 6]);
    expect(b.simulated).toMatch(/q5_0/i);
    expect(b.values.every((v) => v.level >= 0 && v.level <= 15)).toBe(true);
    expect(blockTable(b, 2).querySelectorAll("tbody tr")).toHaveLength(32);
  });
  it("q8_0 and q4_0: 32 values on one grid, the largest on its end; q8_0 keeps more than 15 dB over q4_0", () => {
    const q8 = openBlock("q8_0", w, dim, dim, 5);
    const q4 = openBlock("q4_0", w, dim, dim, 5);
    for (const b of [q8, q4]) {
      expect([b.size, b.scales, b.simulated]).toEqual([32, null, null]);
      expect(b.step).toBeGreaterThan(0);
      for (const v of b.values) expect(Math.abs(v.xhat - v.x)).toBeLessThanOrEqual(b.maxAbsError);
    }
    expect(q8.values.every((v) => v.level >= 0 && v.level <= 254)).toBe(true);
    expect(q4.values.every((v) => v.level >= 0 && v.level <= 15)).toBe(true);
    // the largest |x| sits on the end of the Q8_0 grid: level 0 or 254 (q = ∓127)
    const big = q8.values.reduce((a, v) => (Math.abs(v.x) > Math.abs(a.x) ? v : a));
    expect([0, 254]).toContain(big.level);
    expect(q8.sqnrDb - q4.sqnrDb).toBeGreaterThan(15);
  });
  it("refuses a block past the matrix, naming the range", () => {
    expect(blockCount("q8_0", dim, dim)).toBe((dim * dim) / 32);
    expect(() => openBlock("q8_0", w, dim, dim, 128)).toThrow(/invalid block: 128 \(this matrix has blocks 0\.\.127/);
  });
});

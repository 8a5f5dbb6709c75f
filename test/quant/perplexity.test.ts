// llama-perplexity's KL-divergence statistics (src/quant/perplexity): chunking, the 16-bit base records, one token's
// score, and the statistics' definitions (percentile indexing, uncertainties), on deterministic inputs; the printed
// table against llama-perplexity's own output for the fixtures' runs.
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {
  baseRecord,
  covariance,
  emptyKldSums,
  formatKldChunkRow,
  formatKldTable,
  KLD_CHUNK_HEADER,
  klDivergence,
  kldChunking,
  kldStatistics,
  kldTable,
  meanAndUncertainty,
  median,
  percentile,
  recordLogProb,
  scoreToken,
  type KldChunkRow,
  type KldStatistics
} from "../../src/quant/perplexity/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, fixturePath, readFixtureJson} from "../helpers/fixtures.ts";

/** float32 rounding of the values being compared */
const F32 = {rtol: 1e-6};
/** a 16-bit record's step is (max − min)/65535 ≤ 16/65535 */
const RECORD_STEP = 16 / 65535;

/** deterministic logits: a smooth curve plus a fixed ripple, row r shifted */
function logitsRows(rows: number, V: number, shift = 0): Float32Array {
  return Float32Array.from({length: rows * V}, (_, k) => {
    const r = Math.floor(k / V);
    const i = k % V;
    return 3 * Math.sin(0.37 * i + 0.11 * r) + 0.5 * Math.cos(1.3 * i * (r + 1)) + shift * Math.sin(2.1 * i + r);
  });
}

describe("kldChunking(tokens, ctx, bos)", () => {
  const tokens = Array.from({length: 1454}, (_, i) => 3 + (i % 97));
  it("cuts ⌊n/ctx⌋ chunks, replaces each first id by BOS, scores ctx/2 .. ctx−2", () => {
    const plan = kldChunking(tokens, 64, 1);
    expect(plan.chunks).toHaveLength(22);
    expect(plan.unused).toBe(46);
    expect(plan.first).toBe(32);
    expect(plan.scoredPerChunk).toBe(31);
    expect(plan.chunks[3]![0]).toBe(1);
    expect(Array.from(plan.chunks[3]!.subarray(1, 4))).toEqual(tokens.slice(193, 196));
  });
  it("keeps the first id without a BOS; odd ctx scores from ⌊ctx/2⌋", () => {
    const plan = kldChunking(tokens, 65, null);
    expect(plan.chunks[1]![0]).toBe(tokens[65]);
    expect(plan.first).toBe(32);
    expect(plan.scoredPerChunk).toBe(32);
  });
  it("refuses a text shorter than two contexts, as llama-perplexity does", () => {
    expect(() => kldChunking(tokens.slice(0, 127), 64, 1)).toThrow(/127 tokens; a context of 64 needs at least 128/);
    expect(() => kldChunking(tokens, 3, 1)).toThrow(/invalid ctx: 3/);
  });
});

describe("baseRecord(logits): the 16-bit log-probabilities", () => {
  const V = 300;
  const l = logitsRows(1, V);
  it("reads back each log-prob within half a step where it is above max − 16", () => {
    const r = baseRecord(l, 0, V);
    const max = Math.max(...l);
    const lse = max + Math.log(l.reduce((s, x) => s + Math.exp(x - max), 0));
    expect(r.scale).toBeLessThanOrEqual(RECORD_STEP);
    const exact = Array.from(l, (x) => x - lse);
    const back = Array.from(l, (_, i) => recordLogProb(r, i));
    expectClose(back, exact, {atol: r.scale / 2 + 1e-5}, "log p");
  });
  it("clamps log-probs below max − 16 to the record's floor", () => {
    const wide = Float32Array.from(l, (x, i) => (i === 7 ? x - 40 : x));
    const r = baseRecord(wide, 0, V);
    expect(r.q[7]).toBe(0);
    expect(recordLogProb(r, 7)).toBe(r.minLogProb);
    // the floor is max − 16 as a log-prob: −16 − log Σ exp(l − max)
    const max = Math.max(...wide);
    const lse = Math.log(wide.reduce((a, x) => a + Math.exp(x - max), 0));
    expectClose(r.minLogProb, -16 - lse, {atol: 1e-5}, "floor");
  });
  it("a flat row has scale 0 and every q 0", () => {
    const r = baseRecord(new Float32Array(8).fill(2), 0, 8);
    expect(r.scale).toBe(0);
    expectClose(recordLogProb(r, 3), -Math.log(8), F32, "log(1/8)");
  });
});

describe("scoreToken(sums, logits, record, next)", () => {
  const V = 256;
  it("Q = base: KLD ≈ 0 (the 16-bit storage only), same top, Δp ≈ 0, nll = nll_base", () => {
    const l = logitsRows(1, V);
    const sums = emptyKldSums();
    const s = scoreToken(sums, l, 0, V, baseRecord(l, 0, V), 17);
    expect(Math.abs(s.kld)).toBeLessThan(1e-5);
    expect(s.sameTop).toBe(true);
    expect(Math.abs(s.dp)).toBeLessThan(1e-4);
    expectClose(sums.sumNll, sums.sumNllBase, {atol: RECORD_STEP}, "nll");
    expect(sums.count).toBe(1);
  });
  it("KLD is Σ p_base (log p_base − log p_Q) over the base's log-probs above −16", () => {
    const base = logitsRows(1, V);
    const q = logitsRows(1, V, 0.4);
    const r = baseRecord(base, 0, V);
    const qMax = Math.max(...q);
    const qLse = qMax + Math.log(q.reduce((s, x) => s + Math.exp(x - qMax), 0));
    let expected = 0;
    for (let i = 0; i < V; i++) {
      const lp = recordLogProb(r, i);
      if (lp > -16) expected += Math.exp(lp) * (lp - (q[i]! - qLse));
    }
    const s = scoreToken(emptyKldSums(), q, 0, V, r, 5);
    expectClose(s.kld, expected, {rtol: 1e-5}, "KLD");
    expect(s.kld).toBeGreaterThan(0.01);
    const pQ = Math.exp(q[5]! - qLse);
    expectClose(s.dp, pQ - Math.exp(recordLogProb(r, 5)), {atol: 1e-6}, "Δp");
  });
});

describe("the statistics' definitions", () => {
  const sorted = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  it("percentile(values, f) interpolates at f·(n − 1)", () => {
    expect(percentile(sorted, 0.25)).toBe(2.5);
    expectClose(percentile(sorted, 0.999), 9.99, F32, "p99.9");
    expect(percentile(sorted, 0)).toBe(0);
    expect(percentile(sorted, 1)).toBe(10);
  });
  it("median: the middle value, or the mean of the two middle ones", () => {
    expect(median(sorted)).toBe(5);
    expect(median(Float32Array.from([1, 2, 4, 8]))).toBe(3);
  });
  it("mean ± √((⟨x²⟩ − ⟨x⟩²)/(n − 1)), no uncertainty for 10 values or fewer", () => {
    const xs = Array.from({length: 11}, (_, i) => i * i);
    const sum = xs.reduce((a, b) => a + b, 0);
    const sum2 = xs.reduce((a, b) => a + b * b, 0);
    const mean = sum / 11;
    const u = meanAndUncertainty(sum, sum2, 11);
    expect(u.value).toBe(mean);
    expectClose(u.uncertainty, Math.sqrt((sum2 / 11 - mean * mean) / 10), {rtol: 1e-12}, "uncertainty");
    expect(meanAndUncertainty(sum, sum2, 10).uncertainty).toBe(0);
  });
  it("covariance (⟨ab⟩ − ⟨a⟩⟨b⟩)/(n − 1), 0 below 10 values", () => {
    expectClose(covariance(10, 20, 30, 10), (3 - 2) / 9, {rtol: 1e-12}, "cov");
    expect(covariance(10, 20, 30, 9)).toBe(0);
  });
});

describe("kldStatistics on one model against itself", async () => {
  const V = 64;
  const tokens = Array.from({length: 640}, (_, i) => (i * 7 + 3) % V);
  const logits = (shift: number) => (ids: Int32Array) => {
    const out = logitsRows(ids.length, V, shift);
    for (let t = 0; t < ids.length; t++) out[t * V + ids[t]!] += 1; // the fed id moves its row
    return out;
  };
  const same = await klDivergence(logits(0), logits(0), tokens, {ctx: 32, bos: 1, vocabSize: V});
  const shifted = await klDivergence(logits(0), logits(0.3), tokens, {ctx: 32, bos: 1, vocabSize: V});
  it("scores 20 chunks × 15 tokens; PPL ratio 1, correlation 100 %, KLD ≈ 0, same top 100 %", () => {
    const s = same.statistics;
    expect(same.chunking).toMatchObject({n_chunk: 20, scored_per_chunk: 15, n_scored: 300});
    expectClose(s.ppl_ratio.value, 1, {atol: 1e-4}, "ratio");
    expectClose(s.cor_ln_ppl_percent, 100, {atol: 1e-3}, "cor");
    expect(Math.abs(s.kld_mean.value)).toBeLessThan(1e-5);
    expect(s.same_top_p_percent).toEqual({value: 100, uncertainty: 0});
    expect(same.chunks).toHaveLength(20);
  });
  it("a perturbed model: percentiles ordered, the mean KLD that of the per-token values", () => {
    const s = shifted.statistics;
    const kld = shifted.perToken.kld;
    expectClose(s.kld_mean.value, kld.reduce((a, b) => a + b, 0) / kld.length, {rtol: 1e-6}, "mean");
    const order = [s.kld_min, s["kld_1.0"], s["kld_5.0"], s["kld_10.0"], s.kld_median, s["kld_99.0"], s["kld_99.9"]];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(s.kld_max).toBeGreaterThanOrEqual(s["kld_99.9"]);
    expect(s.kld_mean.value).toBeGreaterThan(0.001);
    expect(s.ppl_diff.value).toBeCloseTo(s.ppl_q.value - s.ppl_base.value, 10);
    expect(() => kldStatistics(emptyKldSums(), new Float32Array(0), new Float32Array(0))).toThrow(/invalid KLD/);
  });
});

describeWithFixtures("gguf", "formatKldTable: llama-perplexity's printed statistics", () => {
  for (const run of ["stories260K.q8_0", "rand-256.q4_k_m", "rand-256.q6_k"]) {
    it(`${run}: the parsed statistics print back as llama-perplexity printed them`, () => {
      const {statistics} = readFixtureJson<{statistics: KldStatistics}>("gguf", `${run}.kld.json`);
      const log = readFileSync(fixturePath("gguf", `${run}.kld.txt`), "utf8");
      const block = log.slice(log.indexOf("====== Perplexity statistics"), log.indexOf("\nllama_perf"));
      // llama-perplexity prints its 99.0 % KLD line twice; the table has it once
      const printed = block.replace(/(99\.0% {3}KLD:.*\n)\1/, "$1").trimEnd();
      expect(formatKldTable(kldTable(statistics)).trimEnd()).toBe(printed);
    });
  }
});

type Pair = [number, number];
type PrintedRow = {chunk: number} & Record<Exclude<keyof KldChunkRow, "chunk">, Pair>;

describeWithFixtures("gguf", "formatKldChunkRow: llama-perplexity's running rows", () => {
  for (const run of ["stories260K.q8_0", "rand-256.q4_k_m", "rand-256.q6_k"]) {
    it(`${run}: every parsed row prints back under the header as llama-perplexity printed it`, () => {
      const {per_chunk_cumulative: rows} = readFixtureJson<{per_chunk_cumulative: PrintedRow[]}>(
        "gguf",
        `${run}.kld.json`
      );
      const log = readFileSync(fixturePath("gguf", `${run}.kld.txt`), "utf8").split("\n");
      const printed = log.filter((_, i) => log[i - 1] === KLD_CHUNK_HEADER);
      const u = ([value, uncertainty]: Pair) => ({value, uncertainty});
      const ours = rows.map((r) =>
        formatKldChunkRow({
          chunk: r.chunk,
          ppl_q: u(r.ppl_q),
          ln_ppl_ratio: u(r.ln_ppl_ratio),
          kld: u(r.kld),
          rms_dp_percent: u(r.rms_dp_percent),
          same_top_p_percent: u(r.same_top_p_percent)
        })
      );
      expect(printed).toHaveLength(rows.length);
      expect(ours).toEqual(printed);
    });
  }
});

// The measured experiments behind the performance-lessons and cost-of-get_w notebooks return well-formed
// measurements: every variant timed (finite, positive), the variants of an experiment computing the same numbers, and
// the counters the notebooks teach with (bytes dequantized per step, threads used). No assertion is about speed.
import {describe, expect, it} from "vitest";
import {encode, loadDefaultModel} from "../../src/engine/index.ts";
import {spawnNodeWorker} from "../../src/kernels/threads.node.ts";
import {
  costByLength,
  decodeCost,
  modeTimings,
  withinNoise,
  type ModeTiming,
  denormalExperiment,
  kernelChoiceExperiment,
  largeLayerExperiment,
  measure,
  rmsnormExperiment,
  ropeExperiment,
  sigmoidExperiment,
  subnormalShare,
  threadsExperiment,
  MIN_NORMAL_F32,
  type VariantTiming
} from "../../src/lessons/experiments/index.ts";

/** A tiny budget: these tests check shapes, not speed. */
const BUDGET_MS = 2;
/** float32 products summed in a different order */
const SUM_ORDER_ATOL = 1e-4;

function expectTimed(variants: readonly VariantTiming[], names: number): void {
  expect(variants).toHaveLength(names);
  for (const v of variants) {
    expect(v.name).toMatch(/\w/);
    expect(v.note).toMatch(/\w/);
    expect(Number.isFinite(v.ms) && v.ms > 0, `${v.name}: ${v.ms} ms`).toBe(true);
    expect(v.samples).toBeGreaterThanOrEqual(3);
    expect(v.reps).toBeGreaterThanOrEqual(1);
  }
}

describe("measure(fn, budgetMs)", () => {
  it("measure(fn, budgetMs) reports the median per call and repeats short calls inside a sample", () => {
    let calls = 0;
    const t = measure(() => void calls++, BUDGET_MS);
    expect(t.reps).toBeGreaterThan(1);
    expect(t.samples).toBeGreaterThanOrEqual(3);
    expect(calls).toBeGreaterThanOrEqual(t.reps * t.samples);
    expect(t.ms).toBeGreaterThan(0);
  });

  it("timeVariants stops with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await expect(kernelChoiceExperiment({d: 8, n: 8, budgetMs: BUDGET_MS, signal: controller.signal})).rejects.toThrow(
      "stopped"
    );
  });
});

describe("the performance-lesson experiments", () => {
  it("kernelChoiceExperiment({d, n}) times three matvecs that agree", async () => {
    const r = await kernelChoiceExperiment({d: 64, n: 96, budgetMs: BUDGET_MS});
    expectTimed(r.variants, 3);
    expect([r.d, r.n]).toEqual([64, 96]);
    expect(Number.isFinite(r.genericOverWasm) && Number.isFinite(r.plainOverWasm)).toBe(true);
    expect(r.maxDiff.generic).toBeLessThan(SUM_ORDER_ATOL);
    expect(r.maxDiff.wasm).toBeLessThan(SUM_ORDER_ATOL);
  });

  it("sigmoidExperiment({n}) times four variants; naive and piecewise agree; exp overflow gives exactly 0", async () => {
    const r = await sigmoidExperiment({n: 1000, budgetMs: BUDGET_MS});
    expectTimed(r.variants, 4);
    expect(r.variants.map((v) => v.bytesPerValue)).toEqual([4, 4, 8, 8]);
    expect(r.maxDiff).toBeLessThan(1e-6);
    expect(r.naiveAtMinus1000).toBe(0);
  });

  it("ropeExperiment(model) times cached and recomputed tables that rotate alike", async () => {
    const {model} = loadDefaultModel();
    const r = await ropeExperiment(model, {budgetMs: BUDGET_MS});
    expectTimed(r.variants, 2);
    expect(r.calls).toBe(2 * model.config.nLayers);
    expect(r.maxDiff).toBe(0);
    expect(r.stepMs).toBeGreaterThan(0);
    expect(r.share.cached).toBeGreaterThan(0);
    expect(r.share.recomputed).toBeLessThan(1);
  });

  it("rmsnormExperiment({sizes}) gives each size three variants with the same output", async () => {
    const sizes = await rmsnormExperiment({sizes: [64, 4096], budgetMs: BUDGET_MS});
    expect(sizes.map((s) => s.n)).toEqual([64, 4096]);
    for (const s of sizes) {
      expectTimed(s.variants, 3);
      expect(s.copyBytes).toBe(8 * s.n);
      expect(s.maxDiff.copy).toBe(0);
      expect(s.maxDiff.wasm).toBeLessThan(1e-5);
      expect(s.float32SumRelError).toBeGreaterThanOrEqual(0);
      expect(s.float32SumRelError).toBeLessThan(1e-3);
    }
  });

  it("threadsExperiment(config, {threads: 2, spawn}) times each job on one thread and split", async () => {
    const {model} = loadDefaultModel();
    const r = await threadsExperiment(model.config, {
      threads: 2,
      spawn: spawnNodeWorker,
      budgetMs: BUDGET_MS,
      sweepRows: [16, 4096]
    });
    expect(r.threads).toBe(2);
    expect(r.unavailable).toBeNull();
    expect(r.points.map((p) => p.label)).toEqual([
      "matvec 16×256",
      "matvec 4096×256",
      "decode attn_q (attention)",
      "decode attn_k (attention)",
      "decode attn_v (attention)",
      "decode attn_output (attention)",
      "decode ffn_gate (SwiGLU)",
      "decode ffn_down (SwiGLU)",
      "decode ffn_up (SwiGLU)",
      "decode output (classifier)"
    ]);
    for (const p of r.points) {
      expect(p.flops).toBe(2 * p.rows * p.cols);
      expect(p.oneMs > 0 && p.splitMs! > 0 && p.speedup! > 0).toBe(true);
      expect(p.engineSplits).toBe(p.flops >= r.minParallelFlops);
    }
  });

  it("threadsExperiment(config, {unavailable}) says why and measures one thread only", async () => {
    const {model} = loadDefaultModel();
    const r = await threadsExperiment(model.config, {
      unavailable: "not isolated",
      budgetMs: BUDGET_MS,
      sweepRows: [16]
    });
    expect([r.threads, r.unavailable, r.crossoverFlops]).toEqual([1, "not isolated", null]);
    for (const p of r.points) expect([p.splitMs, p.speedup, p.engineSplits]).toEqual([null, null, false]);
  });

  it("denormalExperiment({n, passes}) times normal against subnormal data and traces the in-place decay", async () => {
    const r = await denormalExperiment({n: 256, passes: 200, budgetMs: BUDGET_MS});
    expect(r.pairs.map((p) => p.kernel)).toHaveLength(3);
    for (const p of r.pairs) {
      expectTimed([p.normal, p.subnormal], 2);
      expect(p.slowdown).toBeCloseTo(p.subnormal.ms / p.normal.ms, 10);
    }
    expect(r.decay).toHaveLength(200);
    // the in-place loop really passes through subnormals and ends at zero
    expect(Math.max(...r.decay.map((d) => d.subnormal))).toBeGreaterThan(0);
    expect(r.decay[r.decay.length - 1]!.zero).toBe(1);
  });

  it("subnormalShare(x, minNormal) counts subnormal and zero values", () => {
    const x = Float32Array.of(1, 0, 1e-39, -1e-40, 2 ** -126);
    expect(subnormalShare(x, MIN_NORMAL_F32)).toEqual({subnormal: 2 / 5, zero: 1 / 5});
  });
});

describe("the cost of get_w", () => {
  const {model, tokenizer} = loadDefaultModel();
  const tokens = encode(tokenizer, "Once upon a time");

  it("decodeCost(model, {weights}) dequantizes on every step in dequant mode and never once cached", async () => {
    const dequant = await decodeCost(model, {quant: "q4_0", weights: "dequant", tokens, steps: 3});
    const first = tokens.length; // steps start after the prompt
    expect(dequant.steps.map((s) => s.label)).toEqual([first, first + 1, first + 2].map(String));
    expect(dequant.bytesDequantizedPerStep).toBeGreaterThan(dequant.residency.packedBytes * 0.99);
    expect(dequant.getWMsPerToken).toBeGreaterThan(0);
    expect(dequant.residency.cachedFloatBytes).toBe(0);
    const cached = await decodeCost(model, {quant: "q4_0", weights: "cached", tokens, steps: 3});
    expect(cached.bytesDequantizedPerStep).toBe(0);
    expect(cached.getWMsPerToken).toBe(0);
    expect(cached.residency.cachedFloatBytes).toBeGreaterThan(0);
    const fused = await decodeCost(model, {quant: "q4_0", weights: "fused", tokens, steps: 3});
    expect(fused.bytesReadPerToken).toBeLessThan(cached.bytesReadPerToken);
    expect(fused.residency.cachedFloatBytes).toBe(0);
    expect(model.profiler).toBeNull();
  });

  it("modeTimings(model, {repeats}) runs every mode `repeats` times, interleaved, and reports min ≤ median ≤ max", async () => {
    const order: string[] = [];
    const timings = await modeTimings(model, {
      quant: "q4_0",
      tokens,
      modes: ["dequant", "fused"],
      steps: 2,
      repeats: 3,
      before: (weights) => order.push(weights)
    });
    expect(order).toEqual(["dequant", "fused"]);
    expect(timings.map((t) => t.weights)).toEqual(["dequant", "fused"]);
    for (const t of timings) {
      expect(t.runs).toHaveLength(3);
      expect(t.runs).toEqual([...t.runs].sort((a, b) => a - b));
      expect([t.min, t.median, t.max]).toEqual([t.runs[0], t.runs[1], t.runs[2]]);
    }
    expect(timings[1]!.cost.bytesReadPerToken).toBeLessThan(timings[0]!.cost.residency.packedBytes * 1.01);
    await expect(modeTimings(model, {quant: "q4_0", tokens, repeats: 0})).rejects.toThrow("invalid repeats: 0");
  });

  it("withinNoise(a, b) holds when the two modes' runs overlap", () => {
    const timing = (runs: number[]) => ({runs, min: runs[0]!, max: runs.at(-1)!}) as ModeTiming;
    expect(withinNoise(timing([0.11, 0.15, 0.28]), timing([0.1, 0.12, 0.13]))).toBe(true);
    expect(withinNoise(timing([0.2, 0.21]), timing([0.1, 0.12]))).toBe(false);
    expect(withinNoise(timing([0.1, 0.12]), timing([0.12, 0.2]))).toBe(true);
  });

  it("decodeCost refuses more steps than the context holds", async () => {
    await expect(decodeCost(model, {quant: "q4_0", tokens, steps: 1000})).rejects.toThrow("invalid steps: 1000");
  });

  it("costByLength(model, {quant, modes, lengths}) gives a prefill and a decode series per mode", async () => {
    const series = await costByLength(model, {quant: "q8_0", modes: ["dequant", "fused"], lengths: [1, 4]});
    expect(series.map((s) => s.name)).toEqual([
      "dequant, prefill",
      "dequant, decode",
      "fused, prefill",
      "fused, decode"
    ]);
    for (const s of series) {
      expect(s.seqLen).toEqual([1, 4]);
      for (const ms of s.ms) expect(Number.isFinite(ms) && ms > 0).toBe(true);
    }
  });

  it("largeLayerExperiment({rows, cols, format}) times three modes on two kernel sets; wasm fused only where it exists", async () => {
    const q4 = await largeLayerExperiment({rows: 64, cols: 128, format: "q4_0", budgetMs: BUDGET_MS});
    expect(q4.costs.map((c) => `${c.mode} ${c.kernels}`)).toEqual([
      "dequant TypeScript",
      "cached TypeScript",
      "fused TypeScript",
      "dequant wasm",
      "cached wasm",
      "fused wasm"
    ]);
    expect(q4.fp32Bytes).toBe(4 * 64 * 128);
    expect(q4.packedBytes).toBe((64 * 128 * 18) / 32);
    for (const c of q4.costs) {
      expect(c.getWMs > 0).toBe(c.mode === "dequant");
      expect(c.matmulMs).toBeGreaterThan(0);
      expect(c.fallback).toBe(false);
    }
    const nf4 = await largeLayerExperiment({rows: 64, cols: 128, format: "nf4", budgetMs: BUDGET_MS});
    expect(nf4.costs.filter((c) => c.fallback).map((c) => `${c.mode} ${c.kernels}`)).toEqual(["fused wasm"]);
  });
});

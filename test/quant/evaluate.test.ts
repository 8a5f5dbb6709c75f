import {describe, expect, it} from "vitest";
import {loadModelFromBytes} from "../../src/engine/load.ts";
import {addHook} from "../../src/engine/hooks/hooks.ts";
import {hookNames} from "../../src/engine/hooks/names.ts";
import {activationErrors, evaluateQuant, sensitivity} from "../../src/quant/evaluate.ts";
import {compareLogits} from "../../src/quant/model-metrics.ts";
import {isLayerMatrix, MATRIX_NAMES} from "../../src/model-files/matrix-names.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, readFixture, readFixtureJson} from "../helpers/fixtures.ts";

const TOL = 1e-12;

describe("compareLogits(base, quant, V, targets)", () => {
  it("compareLogits(base, quant, V, targets) computes KLD, same top, Δp and PPL as llama-perplexity defines them", () => {
    const base = [Math.log(0.5), Math.log(0.25), Math.log(0.25), 0, 0, 0];
    const quant = [Math.log(0.25), Math.log(0.5), Math.log(0.25), 0, 0, 0];
    const m = compareLogits(base, quant, 3, [0, -1]);
    expect(m.tokens).toBe(1);
    expectClose(m.kld.mean, 0.5 * Math.log(2) + 0.25 * Math.log(0.5), {atol: TOL});
    expect(m.sameTopPct).toBe(0);
    expectClose([m.deltaP.mean, m.deltaP.rms], [-0.25, 0.25], {atol: TOL});
    expectClose([m.ppl.base, m.ppl.quant, m.ppl.ratio, m.ppl.lnRatio, m.ppl.delta], [2, 4, 2, Math.log(2), 2], {
      atol: TOL
    });
  });
  it("compareLogits(x, x, V, targets) is zero KLD, 100 % same top and PPL ratio 1", () => {
    const x = Float32Array.from({length: 40}, (_, i) => Math.cos(i));
    const m = compareLogits(x, x, 10, [1, 2, 3, 4]);
    expect([m.kld.mean, m.kld.max, m.sameTopPct, m.ppl.ratio, m.deltaP.rms]).toEqual([0, 0, 100, 1, 0]);
  });
  it("compareLogits rejects mismatched sizes and texts with nothing to score", () => {
    expect(() => compareLogits([1, 2], [1], 2, [0])).toThrow("invalid logits: 2 and 1 values for 1 rows of 2");
    expect(() => compareLogits([1, 2], [1, 2], 2, [-1])).toThrow("no tokens to score");
  });
});

describeWithFixtures("llama2c", "model-level metrics on stories260K", () => {
  const load = () =>
    loadModelFromBytes(readFixture("llama2c", "stories260K.bin"), readFixture("llama2c", "tok512.bin")).model;
  const tokens: number[] = readFixtureJson("llama2c", "stories260K-once-upon.json").input_tokens;

  it("evaluateQuant(model, tokens, {quant: fp32}) is a perfect match", () => {
    const m = evaluateQuant(load(), tokens, {quant: "fp32"});
    expect([m.kld.max, m.sameTopPct, m.ppl.ratio]).toEqual([0, 100, 1]);
    expect(m.tokens).toBe(31); // the second half of one 64-token chunk
  });

  it("evaluateQuant orders the formats as llama.cpp's scoreboard does: q8_0 < q5_1 < q4_0 in mean KLD", () => {
    const model = load();
    const kld = (quant: string) => evaluateQuant(model, tokens, {quant, weights: "fused"}).kld.mean;
    const [q8, q51, q40] = [kld("q8_0"), kld("q5_1"), kld("q4_0")];
    expect(q8).toBeGreaterThan(0);
    expect(q8).toBeLessThan(q51 / 5);
    expect(q51).toBeLessThan(q40);
    const m = evaluateQuant(model, tokens, {quant: "q4_0"});
    expect(m.kld.median).toBeLessThanOrEqual(m.kld.p99);
    expect(m.kld.p99).toBeLessThanOrEqual(m.kld.max);
    expect(m.ppl.ratio).toBeGreaterThan(1);
  });

  it("activationErrors(model, tokens, settings) gives a finite SQNR for every hook, high for q8_0, lower for q4_0", () => {
    const model = load();
    const q8 = activationErrors(model, tokens.slice(0, 16), {quant: "q8_0"});
    const q4 = activationErrors(model, tokens.slice(0, 16), {quant: "q4_0"});
    expect(q8.map((h) => h.hook)).toEqual(hookNames(5));
    for (let i = 0; i < q8.length; i++) {
      expect(Number.isFinite(q8[i]!.sqnrDb), q8[i]!.hook).toBe(true);
      expect(q8[i]!.sqnrDb, q8[i]!.hook).toBeGreaterThan(q4[i]!.sqnrDb);
    }
    const logits = q8.find((h) => h.hook === "unembed.hook_out")!;
    expect(logits.sqnrDb).toBeGreaterThan(25);
    expect(logits.cosine).toBeGreaterThan(0.99);
  });

  it("sensitivity(model, tokens, q4_0, layer) ranks every layer by mean KLD, worst first", async () => {
    const ranked = await sensitivity(load(), tokens, "q4_0", "layer");
    expect(ranked.map((r) => r.target).sort()).toEqual(["blk.0", "blk.1", "blk.2", "blk.3", "blk.4"]);
    for (const r of ranked) expect(r.target).toBe(`blk.${r.index}`);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1]!.metrics.kld.mean).toBeGreaterThanOrEqual(ranked[i]!.metrics.kld.mean);
    expect(ranked[0]!.spec).toMatch(/^fp32,blk\.\d=q4_0$/);
  });

  it("sensitivity(model, tokens, q4_0, matrix) covers every matrix of every layer plus token_embd and output", async () => {
    const ranked = await sensitivity(load(), tokens, "q4_0", "matrix");
    expect(ranked.length).toBe(5 * 7 + 2);
    expect(ranked.map((r) => r.target).sort()).toEqual(
      [...MATRIX_NAMES.flatMap((m) => (isLayerMatrix(m) ? [0, 1, 2, 3, 4].map((l) => `blk.${l}.${m}`) : [m]))].sort()
    );
    expect(ranked.every((r) => r.metrics.kld.mean > 0)).toBe(true);
    expect(
      [...ranked]
        .sort((a, b) => a.index - b.index)
        .map((r) => r.target)
        .slice(-2)
    ).toEqual(["token_embd", "output"]);
  });

  it("sensitivity(model, tokens, format, by, {signal}) stops between runs when the signal aborts", async () => {
    const model = load();
    let runs = 0;
    const remove = addHook(model, hookNames(5)[0]!, () => void runs++);
    try {
      const stop = new AbortController();
      const sweep = sensitivity(model, tokens, "q4_0", "matrix", {signal: stop.signal});
      stop.abort(new Error("stopped"));
      await expect(sweep).rejects.toThrow("stopped");
      expect(runs).toBe(1); // the float32 reference ran; none of the 37 quantized runs did
      await expect(sensitivity(model, tokens, "q4_0", "layer", {signal: stop.signal})).rejects.toThrow("stopped");
      expect(runs).toBe(1);
    } finally {
      remove();
    }
  });
});

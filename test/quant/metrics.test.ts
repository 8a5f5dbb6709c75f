import {describe, expect, it} from "vitest";
import {
  chunkSqnrDb,
  cosine,
  errorHistogram,
  maxAbsError,
  normalizedL2,
  sqnrDb,
  tensorMetrics
} from "../../src/quant/metrics.ts";
import {expectClose} from "../helpers/expect-close.ts";

const TOL = 1e-12;

describe("tensor metrics (ref, approx)", () => {
  const ref = [3, 4, 0, 0];
  const approx = [3, 4, 0.5, 0];
  it("sqnrDb(ref, approx) is 20·log10(‖ref‖/‖ref − approx‖)", () => {
    expectClose(sqnrDb(ref, approx), 20 * Math.log10(5 / 0.5), {atol: TOL});
    expect(sqnrDb(ref, ref)).toBe(Infinity);
  });
  it("normalizedL2, cosine and maxAbsError follow torch.ao.ns definitions", () => {
    expectClose(normalizedL2(ref, approx), 0.1, {atol: TOL});
    expectClose(cosine(ref, approx), 25 / (5 * Math.sqrt(25.25)), {atol: TOL});
    expect(cosine([0, 0], [0, 0])).toBe(1);
    expect(maxAbsError(ref, approx)).toBe(0.5);
    const m = tensorMetrics(ref, approx);
    expectClose([m.sqnrDb, m.normalizedL2, m.cosine, m.maxAbsError], [20, 0.1, cosine(ref, approx), 0.5], {atol: TOL});
  });
  it("errorHistogram(ref, approx, bins) counts every error in a symmetric range", () => {
    const h = errorHistogram([0, 0, 0, 0], [-1, 0, 0.5, 1], 4);
    expect(Array.from(h.edges)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(h.counts)).toEqual([1, 0, 1, 2]);
    expect(() => errorHistogram([1], [1], 0)).toThrow("invalid bins: 0");
  });
  it("chunkSqnrDb(ref, approx, size) gives one SQNR per block or row", () => {
    const per = chunkSqnrDb([1, 1, 2, 0, 5], [1, 1, 2, 1, 5.5], 2);
    expect(per.length).toBe(3);
    expect(per[0]).toBe(Infinity);
    expectClose([per[1]!, per[2]!], [20 * Math.log10(2), 20 * Math.log10(10)], {atol: TOL});
  });
  it("metrics reject arrays of different lengths", () => {
    expect(() => sqnrDb([1, 2], [1])).toThrow("invalid lengths: 2 vs 1");
  });
});

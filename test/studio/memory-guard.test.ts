import {describe, expect, it} from "vitest";
import {FALLBACK_BUDGET_BYTES, guardMemory, memoryBudget} from "../../src/studio/memory-guard.ts";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe("memoryBudget(scope)", () => {
  it("memoryBudget(scope) uses the heap headroom from performance.memory", () => {
    const scope = {performance: {memory: {jsHeapSizeLimit: 4 * GiB, usedJSHeapSize: 1 * GiB}}};
    expect(memoryBudget(scope)).toEqual({bytes: 3 * GiB, source: "browser heap headroom"});
  });
  it("memoryBudget(scope) takes a quarter of navigator.deviceMemory", () => {
    expect(memoryBudget({navigator: {deviceMemory: 8}}).bytes).toBe(2 * GiB);
  });
  it("memoryBudget(scope) takes the smaller of both figures", () => {
    const scope = {performance: {memory: {jsHeapSizeLimit: 4 * GiB, usedJSHeapSize: 0}}, navigator: {deviceMemory: 2}};
    expect(memoryBudget(scope)).toEqual({bytes: 0.5 * GiB, source: "a quarter of 2 GiB device memory"});
  });
  it("memoryBudget({}) falls back to the documented default", () => {
    expect(memoryBudget({}).bytes).toBe(FALLBACK_BUDGET_BYTES);
    expect(memoryBudget({}).source).toMatch(/^default budget/);
  });
});

describe("guardMemory(bytes, request, budget)", () => {
  const budget = {bytes: 100 * MiB, source: "test budget"};
  const request = {what: "the model", hint: "choose a smaller model"};
  it("guardMemory(bytes, request, budget) accepts what fits", () => {
    expect(() => guardMemory(100 * MiB, request, budget)).not.toThrow();
  });
  it("guardMemory(bytes, request, budget) refuses what does not fit, naming sizes, source and remedy", () => {
    expect(() => guardMemory(150 * MiB, request, budget)).toThrow(
      "not enough memory for the model: needs 150.0 MiB, about 100.0 MiB available (test budget); choose a smaller model"
    );
  });
  it("guardMemory(NaN, ...) is an invalid request, not a pass", () => {
    expect(() => guardMemory(NaN, request, budget)).toThrow("invalid bytes: NaN");
  });
});

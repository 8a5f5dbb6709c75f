import {describe, expect, it, vi} from "vitest";
import {loadDefaultModel} from "../../src/engine/default-model.ts";
import {forward} from "../../src/engine/forward.ts";
import {fp32Matrices, type MatrixProvider} from "../../src/engine/matrices.ts";
import {PROFILE_CATEGORIES} from "../../src/engine/profiler.ts";
import {setMatrices, setProfiler} from "../../src/engine/transformer.ts";
import {expectClose} from "../helpers/expect-close.ts";

describe("profiler", () => {
  it("forward(model, token, pos) makes no timing call when profiling is off", () => {
    const {model} = loadDefaultModel();
    const now = vi.spyOn(performance, "now");
    forward(model, 1, 0);
    expect(now).not.toHaveBeenCalled();
    now.mockRestore();
  });

  it("setProfiler(model, true) splits time by category and layer", () => {
    const {model} = loadDefaultModel();
    const profiler = setProfiler(model, true)!;
    for (let pos = 0; pos < 5; pos++) forward(model, 1 + pos, pos);
    const report = profiler.report();
    expect(report.steps).toBe(5);
    expect(report.tokens).toBe(5);
    expect(report.byLayer).toHaveLength(model.config.nLayers);
    for (const layer of report.byLayer) {
      expect(Object.keys(layer)).toEqual([...PROFILE_CATEGORIES]);
      for (const c of ["matmul", "attention", "norm", "rope", "activation"] as const)
        expect(layer[c]).toBeGreaterThan(0);
    }
    expect(report.outside.matmul).toBeGreaterThan(0); // the classifier
    const sum = PROFILE_CATEGORIES.reduce((s, c) => s + report.byCategory[c], 0);
    expectClose(report.totalMs, sum, {rtol: 1e-9});
    expect(setProfiler(model, false)).toBeNull();
  });

  it("a provider's reported get_w is booked as get_w and taken out of matmul", () => {
    const {model} = loadDefaultModel();
    const inner = fp32Matrices(model);
    let calls = 0;
    const GET_W_MS = 0.25;
    const provider: MatrixProvider = {
      kind: "test",
      profiler: null,
      matvec(out, x, name, layer) {
        calls++;
        this.profiler?.add("get_w", layer, GET_W_MS);
        inner.matvec(out, x, name, layer);
      },
      matmul: (out, x, T, name, layer) => inner.matmul(out, x, T, name, layer),
      embed: (out, token) => inner.embed(out, token)
    };
    const reference = forward(model, 5, 0).slice();
    setMatrices(model, provider);
    const profiler = setProfiler(model, true)!;
    const t0 = performance.now();
    expect(forward(model, 5, 0)).toEqual(reference);
    const wallMs = performance.now() - t0;
    expect(calls).toBe(7 * model.config.nLayers + 1);
    const report = profiler.report();
    expectClose(report.byCategory.get_w, calls * GET_W_MS, {rtol: 1e-9});
    // the fake get_w took no real time: booked as get_w and taken out of matmul, the total stays the real time
    // (booked on top of matmul it would exceed the wall clock by calls × GET_W_MS, whatever the machine's load)
    expect(report.totalMs).toBeLessThanOrEqual(wallMs + 1e-9);
  });
});

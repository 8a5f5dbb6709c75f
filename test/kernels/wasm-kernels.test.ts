// Every wasm kernel against its reference op on deterministic data, on one thread; and the fast path is the one
// that ran (calls.wasm counts it, calls.fallback stays 0), while a buffer outside the arena falls back correctly.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {referenceKernels as ref} from "../../src/engine/backend.ts";
import {ropeTables, type AttentionShape} from "../../src/engine/ops/index.ts";
import {createArena, createWasmKernels, kernelScratchBytes, type WasmKernels} from "../../src/kernels/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {fillLcg} from "./data.ts";
import {DOT_TOL, ELEMENTWISE_TOL, SCALE_TOL} from "./tolerances.ts";

const MAX_N = 1024;
let wk: WasmKernels;
let arena: ReturnType<typeof createArena>;

beforeAll(async () => {
  arena = createArena({bytes: 64 << 20});
  wk = await createWasmKernels({arena, maxN: MAX_N});
});
afterAll(() => wk.close());

/** An arena copy of a plain array: inputs live where the kernels can read them. */
const inArena = (a: Float32Array) => {
  const v = arena.alloc(a.length);
  v.set(a);
  return v;
};
const data = (n: number, seed: number, scale = 1) => inArena(fillLcg(new Float32Array(n), seed, scale));

/** Runs fn and returns how many wasm and fallback calls it made. */
function counted(fn: () => void): {wasm: number; fallback: number} {
  const [w0, f0] = [wk.calls.wasm, wk.calls.fallback];
  fn();
  return {wasm: wk.calls.wasm - w0, fallback: wk.calls.fallback - f0};
}

describe("wasm kernels (one thread) vs the reference ops", () => {
  it("backendName says one thread", () => {
    expect(wk.backendName).toBe("wasm-simd128 ×1 thread");
  });

  for (const [n, d] of [
    [288, 288],
    [288, 768],
    [172, 64],
    [7, 5],
    [768, 37]
  ] as const) {
    it(`matvec(out, x, w, ${n}, ${d}) matches the reference`, () => {
      const x = data(n, 1);
      const w = data(n * d, 2);
      const out = arena.alloc(d);
      const expected = new Float32Array(d);
      ref.matvec(expected, x, w, n, d);
      expect(counted(() => wk.kernels.matvec(out, x, w, n, d))).toEqual({wasm: 1, fallback: 0});
      expectClose(out, expected, DOT_TOL, "matvec");
    });
  }

  for (const [T, n, d] of [
    [1, 64, 32],
    [3, 172, 45],
    [5, 288, 17],
    [64, 288, 768],
    [67, 100, 33]
  ] as const) {
    it(`matmul(out, x, w, ${T}, ${n}, ${d}) matches the reference`, () => {
      const x = data(T * n, 3);
      const w = data(n * d, 4);
      const out = arena.alloc(T * d);
      const expected = new Float32Array(T * d);
      ref.matmul(expected, x, w, T, n, d);
      const c = counted(() => wk.kernels.matmul(out, x, w, T, n, d));
      expect(c.fallback).toBe(0);
      expect(c.wasm).toBeGreaterThan(0);
      expectClose(out, expected, DOT_TOL, "matmul");
    });
  }

  for (const n of [288, 172, 3]) {
    it(`rmsnorm(out, x, w, ${n}) normalizes like the reference and returns the same scale`, () => {
      const x = data(n, 5, 3);
      const w = data(n, 6);
      const out = arena.alloc(n);
      const expected = new Float32Array(n);
      const scale = ref.rmsnorm(expected, x, w, n);
      let got = 0;
      expect(counted(() => (got = wk.kernels.rmsnorm(out, x, w, n)))).toEqual({wasm: 1, fallback: 0});
      expectClose(got, scale, SCALE_TOL, "scale");
      expectClose(out, expected, ELEMENTWISE_TOL, "rmsnorm");
      // in place (out = x), as the engine may call it
      wk.kernels.rmsnormWithScale(x, x, w, n, scale);
      expectClose(x, expected, ELEMENTWISE_TOL, "rmsnormWithScale in place");
    });
  }

  it("rmsnormRows(out, x, w, 288, 5, scales) normalizes every row like the reference, scales included", () => {
    const [n, T] = [288, 5];
    const x = data(n * T, 7, 3);
    const w = data(n, 8);
    const [out, scales] = [arena.alloc(n * T), arena.alloc(T)];
    const [expected, expectedScales] = [new Float32Array(n * T), new Float32Array(T)];
    ref.rmsnormRows(expected, x, w, n, T, expectedScales);
    expect(counted(() => wk.kernels.rmsnormRows(out, x, w, n, T, scales))).toEqual({wasm: 1, fallback: 0});
    expectClose(scales, expectedScales, SCALE_TOL, "scales");
    expectClose(out, expected, ELEMENTWISE_TOL, "rmsnormRows");
  });

  for (const [n, offset] of [
    [256, 0],
    [37, 5],
    [1, 0]
  ] as const) {
    it(`softmax(out, x, ${n}, ${offset}) matches the reference, -Infinity giving exactly 0`, () => {
      const x = data(offset + n, 7, 20);
      if (n > 4) x[offset + n - 2] = -Infinity;
      const expected = x.slice();
      ref.softmax(expected, expected, n, offset);
      expect(counted(() => wk.kernels.softmax(x, x, n, offset))).toEqual({wasm: 1, fallback: 0});
      expectClose(x, expected, ELEMENTWISE_TOL, "softmax");
      if (n > 4) expect(x[offset + n - 2]).toBe(0);
    });
  }

  for (const n of [768, 13]) {
    it(`swiglu(out, gate, up, ${n}) matches the reference, including large |gate|`, () => {
      const gate = data(n, 8, 12);
      gate[0] = -100;
      gate[1] = 100;
      const up = data(n, 9);
      const out = arena.alloc(n);
      const expected = new Float32Array(n);
      ref.swiglu(expected, gate, up, n);
      expect(counted(() => wk.kernels.swiglu(out, gate, up, n))).toEqual({wasm: 1, fallback: 0});
      expectClose(out, expected, ELEMENTWISE_TOL, "swiglu");
    });
  }

  for (const [nHeads, headSize, pos] of [
    [6, 48, 17],
    [8, 8, 3],
    [2, 6, 255]
  ] as const) {
    for (const op of ["rope", "ropeNeox"] as const)
      it(`${op}(out, x, tables, ${pos}, ${nHeads}) with headSize ${headSize} matches the reference`, () => {
        const tables = ropeTables(256, headSize, (n) => arena.alloc(n));
        const x = data(nHeads * headSize, 10);
        const out = arena.alloc(nHeads * headSize);
        const expected = new Float32Array(nHeads * headSize);
        ref[op](expected, x, tables, pos, nHeads);
        expect(counted(() => wk.kernels[op](out, x, tables, pos, nHeads))).toEqual({wasm: 1, fallback: 0});
        expectClose(out, expected, ELEMENTWISE_TOL, op);
      });
  }

  for (const shape of [
    {T: 1, pos0: 40, nHeads: 6, nKvHeads: 6, headSize: 48},
    {T: 7, pos0: 3, nHeads: 8, nKvHeads: 4, headSize: 8},
    {T: 5, pos0: 0, nHeads: 4, nKvHeads: 2, headSize: 6}
  ] satisfies AttentionShape[]) {
    const {T, pos0, nHeads, nKvHeads, headSize} = shape;
    it(`attentionScores/attentionMix(…, {T: ${T}, pos0: ${pos0}, ${nHeads}/${nKvHeads} heads of ${headSize}}) match`, () => {
      const kLen = pos0 + T;
      const kvDim = nKvHeads * headSize;
      const cacheOffset = 3 * kvDim;
      const q = data(T * nHeads * headSize, 11);
      const keys = data(cacheOffset + kLen * kvDim, 12);
      const values = data(cacheOffset + kLen * kvDim, 13);
      const att = arena.alloc(nHeads * T * kLen);
      const expectedAtt = new Float32Array(nHeads * T * kLen);
      ref.attentionScores(expectedAtt, q, keys, cacheOffset, shape);
      expect(counted(() => wk.kernels.attentionScores(att, q, keys, cacheOffset, shape))).toEqual({
        wasm: 1,
        fallback: 0
      });
      expectClose(att, expectedAtt, DOT_TOL, "attentionScores");
      for (let r = 0; r < nHeads * T; r++) ref.softmax(att, att, kLen, r * kLen);
      expectedAtt.set(att);
      const z = arena.alloc(T * nHeads * headSize);
      const expectedZ = new Float32Array(T * nHeads * headSize);
      ref.attentionMix(expectedZ, expectedAtt, values, cacheOffset, shape);
      expect(counted(() => wk.kernels.attentionMix(z, att, values, cacheOffset, shape))).toEqual({
        wasm: 1,
        fallback: 0
      });
      expectClose(z, expectedZ, DOT_TOL, "attentionMix");
    });
  }

  it("matvec(out, x, w, n, d) with a buffer outside the arena runs the reference op and says so", () => {
    const [n, d] = [16, 8];
    const x = fillLcg(new Float32Array(n), 14);
    const w = data(n * d, 15);
    const out = arena.alloc(d);
    const expected = new Float32Array(d);
    ref.matvec(expected, x, w, n, d);
    expect(counted(() => wk.kernels.matvec(out, x, w, n, d))).toEqual({wasm: 0, fallback: 1});
    expectClose(out, expected, {atol: 1e-7}, "fallback matvec");
  });

  it("matmul(out, x, w, T, n, d) with n beyond the scratch panel falls back to the reference", () => {
    const [T, n, d] = [4, MAX_N + 8, 3];
    const x = data(T * n, 16);
    const w = data(n * d, 17);
    const out = arena.alloc(T * d);
    expect(counted(() => wk.kernels.matmul(out, x, w, T, n, d))).toEqual({wasm: 0, fallback: 1});
  });

  it("kernelScratchBytes(maxN, threads) is exactly what createWasmKernels takes from the arena", async () => {
    const a = createArena({bytes: kernelScratchBytes(300, 1)});
    const k = await createWasmKernels({arena: a, maxN: 300});
    expect(a.used).toBe(kernelScratchBytes(300, 1));
    k.close();
  });
});

import {describe, expect, it} from "vitest";
import {expectClose} from "../helpers/expect-close.ts";
import {
  addBias,
  attentionMix,
  attentionScores,
  matmul,
  matvec,
  rmsnorm,
  rmsnormRows,
  rope,
  ropeNeox,
  ropeTables,
  softmax,
  swiglu
} from "../../src/engine/ops/index.ts";
import {lcg} from "./helpers.ts";

const OP_ATOL = 1e-6;

describe("ops", () => {
  it("matvec(out, x, w, n, d) computes W (d,n) @ x (n,)", () => {
    const out = new Float32Array(2);
    matvec(out, Float32Array.of(1, 2, 3), Float32Array.of(1, 0, 0, 0, 1, 1), 3, 2);
    expect(Array.from(out)).toEqual([1, 5]);
  });

  it("matmul(out, x, w, T, n, d) equals one matvec per row", () => {
    const [T, n, d] = [5, 64, 48];
    const x = lcg(T * n, 2);
    const w = lcg(d * n, 3);
    const out = new Float32Array(T * d);
    matmul(out, x, w, T, n, d);
    const row = new Float32Array(d);
    for (let t = 0; t < T; t++) {
      matvec(row, x.subarray(t * n, (t + 1) * n), w, n, d);
      expectClose(out.subarray(t * d, (t + 1) * d), row, {atol: OP_ATOL}, `row ${t}`);
    }
  });

  it("rmsnorm(out, x, w, n) normalizes by root-mean-square and returns the scale", () => {
    const x = Float32Array.of(3, -4, 0, 0);
    const w = Float32Array.of(1, 2, 1, 1);
    const out = new Float32Array(4);
    const scale = rmsnorm(out, x, w, 4);
    const expected = Math.sqrt((9 + 16) / 4 + 1e-5);
    expectClose(scale, expected, {rtol: 1e-7});
    expectClose(out, [3 / expected, (2 * -4) / expected, 0, 0], {atol: OP_ATOL});
  });

  it("rmsnorm(out, x, w, n) works in place", () => {
    const x = lcg(64, 4);
    const w = lcg(64, 5);
    const out = new Float32Array(64);
    rmsnorm(out, x, w, 64);
    rmsnorm(x, x, w, 64);
    expect(x).toEqual(out);
  });

  it("rmsnormRows(out, x, w, n, T, scales) normalizes each row as rmsnorm and stores its scale", () => {
    const [n, T] = [64, 3];
    const x = lcg(n * T, 6);
    const w = lcg(n, 7);
    const out = new Float32Array(n * T);
    const scales = new Float32Array(T);
    rmsnormRows(out, x, w, n, T, scales);
    for (let t = 0; t < T; t++) {
      const row = new Float32Array(n);
      expect(scales[t]).toBe(rmsnorm(row, x.subarray(t * n, (t + 1) * n), w, n));
      expect(out.subarray(t * n, (t + 1) * n)).toEqual(row);
    }
  });

  it("ropeTables(seqLen, headSize) holds cos/sin of pos·10000^(-2i/headSize)", () => {
    const t = ropeTables(8, 4);
    expect(t.half).toBe(2);
    expectClose([t.cos[0]!, t.sin[0]!, t.cos[1]!], [1, 0, 1], {atol: OP_ATOL});
    expectClose([t.cos[3 * 2 + 1]!, t.sin[3 * 2 + 1]!], [Math.cos(3 / 100), Math.sin(3 / 100)], {atol: OP_ATOL});
  });

  it("rope(out, x, tables, pos, nHeads) rotates each pair by pos·θᵢ and keeps its length", () => {
    const t = ropeTables(16, 8);
    const x = lcg(16, 6); // 2 heads of 8
    const out = new Float32Array(16);
    rope(out, x, t, 5, 2);
    for (let p = 0; p < 8; p++) {
      const [a, b] = [x[2 * p]!, x[2 * p + 1]!];
      const i = p % 4;
      const theta = 5 * Math.pow(10000, -(2 * i) / 8);
      expectClose(
        [out[2 * p]!, out[2 * p + 1]!],
        [a * Math.cos(theta) - b * Math.sin(theta), a * Math.sin(theta) + b * Math.cos(theta)],
        {atol: 1e-5},
        `pair ${p}`
      );
    }
    rope(out, x, t, 0, 2);
    expectClose(out, x, {atol: 0 + OP_ATOL});
  });

  it("ropeNeox(out, x, tables, pos, nHeads) rotates x[i] with x[i + headSize/2] by pos·θᵢ", () => {
    const t = ropeTables(16, 8);
    const x = lcg(16, 7); // 2 heads of 8
    const out = new Float32Array(16);
    ropeNeox(out, x, t, 5, 2);
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 4; i++) {
        const [a, b] = [x[8 * h + i]!, x[8 * h + i + 4]!];
        const theta = 5 * Math.pow(10000, -(2 * i) / 8);
        expectClose(
          [out[8 * h + i]!, out[8 * h + i + 4]!],
          [a * Math.cos(theta) - b * Math.sin(theta), a * Math.sin(theta) + b * Math.cos(theta)],
          {atol: 1e-5},
          `head ${h} pair ${i}`
        );
      }
  });

  it("addBias(out, b, n, T) adds b to each of T rows", () => {
    const out = Float32Array.of(1, 2, 3, 4, 5, 6);
    addBias(out, Float32Array.of(10, 20, 30), 3, 2);
    expect(Array.from(out)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it("softmax(out, x, n, offset) sums to one and maps -Infinity to 0", () => {
    const x = Float32Array.of(9, 1, 2, -Infinity, 1000);
    softmax(x, x, 3, 1);
    expectClose(Array.from(x), [9, 1 / (1 + Math.E), Math.E / (1 + Math.E), 0, 1000], {atol: OP_ATOL});
  });

  it("swiglu(out, gate, up, n) is silu(gate)·up, finite for large |gate|", () => {
    const out = new Float32Array(4);
    swiglu(out, Float32Array.of(0, 1, -200, 200), Float32Array.of(5, 2, 3, 0.5), 4);
    expectClose(out, [0, 2 / (1 + Math.exp(-1)), 0, 100], {atol: OP_ATOL});
  });

  it("attentionScores/attentionMix(...) give causal grouped-query attention", () => {
    // 4 query heads share 2 kv heads, head size 2; 3 cached positions, 2 query rows at positions 1 and 2
    const shape = {T: 2, pos0: 1, nHeads: 4, nKvHeads: 2, headSize: 2};
    const q = lcg(2 * 8, 7);
    const keys = lcg(3 * 4, 8);
    const values = lcg(3 * 4, 9);
    const att = new Float32Array(4 * 2 * 3);
    attentionScores(att, q, keys, 0, shape);
    const z = new Float32Array(2 * 8);
    for (let r = 0; r < 8; r++) softmax(att, att, 3, r * 3);
    attentionMix(z, att, values, 0, shape);
    for (let h = 0; h < 4; h++) {
      const kv = h >> 1;
      for (let t = 0; t < 2; t++) {
        const seen = t + 2; // positions 0..pos
        const scores = Array.from(
          {length: seen},
          (_, s) =>
            (q[t * 8 + h * 2]! * keys[s * 4 + kv * 2]! + q[t * 8 + h * 2 + 1]! * keys[s * 4 + kv * 2 + 1]!) / Math.SQRT2
        );
        const m = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - m));
        const p = e.map((v) => v / e.reduce((a, b) => a + b));
        const pattern = [...p, ...Array(3 - seen).fill(0)];
        expectClose(
          att.subarray((h * 2 + t) * 3, (h * 2 + t + 1) * 3),
          pattern,
          {atol: OP_ATOL},
          `pattern h${h} t${t}`
        );
        const zz = [0, 1].map((i) => p.reduce((acc, pp, s) => acc + pp * values[s * 4 + kv * 2 + i]!, 0));
        expectClose(z.subarray(t * 8 + h * 2, t * 8 + h * 2 + 2), zz, {atol: OP_ATOL}, `z h${h} t${t}`);
      }
    }
  });
});

import {describe, expect, it} from "vitest";
import {createQ8Vector, quantizeQ8} from "../../src/formats/act.ts";
import type {Q8Vector} from "../../src/formats/codec.ts";
import {f16ToF32, f32ToF16} from "../../src/formats/fp16.ts";
import {
  dequantizeMatrix,
  dequantizeRow,
  matrixBpw,
  matvecQuant,
  matvecQuantQ8,
  quantizeMatrix,
  quantizedBytes,
  tailNote
} from "../../src/formats/matrix.ts";
import {sqnrDb} from "../../src/quant/metrics.ts";
import {toFormat} from "../../src/formats/schemes.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {gaussian} from "../quant/data.ts";

/** fused kernels vs dequantize-then-dot: float reassociation only, relative to the largest output */
const FUSED_RTOL = 1e-5;
const ALL_FORMATS = [
  "q8_0",
  "q4_0",
  "q4_1",
  "q5_0",
  "q5_1",
  "f16",
  "int8:tensor",
  "int8:row",
  "int4:g32:asym",
  "int3:g16",
  "nf4:b64",
  "llama2c_q8:g64",
  "q2_k",
  "q4_k",
  "q6_k",
  "iq4_nl"
];

/** W (rows, cols) @ x in float64: the reference the kernels are held to. */
function matvecRef(w: Float32Array, x: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += w[r * cols + j]! * x[j]!;
    out[r] = s;
  }
  return out;
}

/**
 * ggml's Q8_1 stores s = fp16(d·Σq), and vec_dot_q4_1_q8_1 uses it for the min term m_w·s: the kernel is exact
 * against a reference that adds m_w·(s − d·Σq) per block (m_w = the fp16 min at byte 2 of each Q4_1 / Q5_1 block).
 */
function addQ8_1SumRounding(ref: Float64Array, data: Uint8Array, blockBytes: number, blocks: number, xq: Q8Vector) {
  for (let r = 0; r < ref.length; r++) {
    for (let b = 0; b < blocks; b++) {
      const o = (r * blocks + b) * blockBytes;
      let sum = 0;
      for (let j = 0; j < 32; j++) sum += xq.qs[b * 32 + j]!;
      ref[r] += f16ToF32(data[o + 2]! | (data[o + 3]! << 8)) * (xq.s[b]! - xq.d[b]! * sum);
    }
  }
}

/** Block b of a quantized vector: Σq of its codes and the float32 d = amax/127 of the values it came from. */
function q8Block(v: Q8Vector, x: Float32Array, b: number): {sum: number; d32: number} {
  let sum = 0;
  let amax = 0;
  for (let j = 0; j < 32; j++) {
    sum += v.qs[b * 32 + j]!;
    amax = Math.max(amax, Math.abs(x[b * 32 + j]!));
  }
  return {sum, d32: Math.fround(amax / 127)};
}

const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((m, a) => Math.max(m, Math.abs(a)), 0);

describe("quantizeMatrix(codec, w, rows, cols) with rows a block does not divide", () => {
  it("quantizeMatrix(q4_0, w, 3, 172) quantizes 5 blocks per row and keeps the last 12 values in float32", () => {
    const w = gaussian(3 * 172, 0.02, 1);
    const q = quantizeMatrix(toFormat("q4_0").codec(3, 172), w, 3, 172);
    expect([q.blocksPerRow, q.tailLen, q.data.byteLength]).toEqual([5, 12, 3 * 5 * 18]);
    expect(quantizedBytes(q)).toBe(3 * 5 * 18 + 3 * 12 * 4);
    expect(matrixBpw(q)).toBeCloseTo(((5 * 18 + 12 * 4) * 8) / 172, 12);
    expect(tailNote(q)).toBe(
      "rows of 172 are not a multiple of q4_0's block of 32: 160 values per row quantized, the last 12 kept in float32"
    );
    const y = new Float32Array(w.length);
    dequantizeMatrix(y, q);
    for (let r = 0; r < 3; r++) {
      expect(Array.from(y.subarray(r * 172 + 160, r * 172 + 172))).toEqual(
        Array.from(w.subarray(r * 172 + 160, r * 172 + 172))
      );
      expect(y[r * 172 + 5]).not.toBe(w[r * 172 + 5]);
    }
    const row = new Float32Array(172);
    dequantizeRow(row, q, 2);
    expect(Array.from(row)).toEqual(Array.from(y.subarray(344)));
  });
  it("quantizeMatrix(nf4:b64, w, 2, 40) keeps a row shorter than one block entirely in float32", () => {
    const w = gaussian(80, 1, 2);
    const q = quantizeMatrix(toFormat("nf4").codec(2, 40), w, 2, 40);
    expect([q.blocksPerRow, q.tailLen, q.data.byteLength]).toEqual([0, 40, 0]);
    const y = new Float32Array(80);
    dequantizeMatrix(y, q);
    expect(Array.from(y)).toEqual(Array.from(w));
  });
  it("tailNote(q) is null when the block size divides the rows", () => {
    expect(tailNote(quantizeMatrix(toFormat("q8_0").codec(1, 64), gaussian(64, 1, 3), 1, 64))).toBeNull();
  });
  it("quantizeMatrix(codec, w, rows, cols) rejects a w of the wrong length", () => {
    expect(() => quantizeMatrix(toFormat("q8_0").codec(2, 64), new Float32Array(100), 2, 64)).toThrow(
      "invalid matrix size: 100 values for 2×64"
    );
  });
});

describe("matvecQuant(out, x, q) (fused)", () => {
  const rows = 24;
  const cols = 172;
  const w = gaussian(rows * cols, 0.05, 4);
  const x = gaussian(cols, 1, 5);
  for (const f of ALL_FORMATS) {
    it(`matvecQuant(out, x, ${f}) equals the dequantized matrix times x within FUSED_RTOL`, () => {
      const q = quantizeMatrix(toFormat(f).codec(rows, cols), w, rows, cols);
      const wHat = new Float32Array(w.length);
      dequantizeMatrix(wHat, q);
      const ref = matvecRef(wHat, x, rows, cols);
      const out = new Float32Array(rows);
      matvecQuant(out, x, q);
      expectClose(out, ref, {atol: FUSED_RTOL * maxAbs(ref)}, f);
    });
  }
});

describe("quantizeQ8(v, x) and matvecQuantQ8(out, xq, q) (activations in Q8_0)", () => {
  /** integer block dots vs the same arithmetic in float on the dequantized activation */
  const ACT_KERNEL_RTOL = 1e-5;
  it("quantizeQ8(v, x) matches the Q8_0 codec and keeps the tail of x exact", () => {
    const x = gaussian(70, 1, 6);
    const v = quantizeQ8(createQ8Vector(70), x);
    expect([v.n, v.d.length]).toEqual([64, 2]);
    const q = quantizeMatrix(toFormat("q8_0").codec(1, 70), x, 1, 70);
    const y = new Float32Array(70);
    dequantizeMatrix(y, q);
    expect(Array.from(v.xq)).toEqual(Array.from(y));
    for (let b = 0; b < 2; b++) {
      const {sum, d32} = q8Block(v, x, b);
      // ggml quantize_row_q8_1_ref: s = fp16(sum * d) with the float32 d = amax/127, not the fp16-rounded one
      expect(v.s[b]).toBe(f16ToF32(f32ToF16(Math.fround(sum * d32))));
      expect(v.d[b]).toBe(f16ToF32(f32ToF16(d32)));
    }
  });
  it("quantizeQ8(v, x) rounds the Q8_1 sum from the float32 d, as ggml quantize_row_q8_1_ref (not the fp16 d)", () => {
    const x = gaussian(4096, 1, 11);
    const v = quantizeQ8(createQ8Vector(4096), x);
    let differs = 0;
    for (let b = 0; b < 128; b++) {
      const {sum, d32} = q8Block(v, x, b);
      expect(v.s[b]).toBe(f16ToF32(f32ToF16(Math.fround(sum * d32))));
      if (v.s[b] !== f16ToF32(f32ToF16(Math.fround(sum * v.d[b]!)))) differs++;
    }
    expect(differs).toBeGreaterThan(0); // the data tells the two roundings apart, so this check can fail
  });
  const rows = 16;
  const cols = 200;
  const w = gaussian(rows * cols, 0.05, 7);
  const x = gaussian(cols, 1, 8);
  for (const f of ALL_FORMATS) {
    it(`matvecQuantQ8(out, xq, ${f}) equals the dequantized matrix times the dequantized activation`, () => {
      const q = quantizeMatrix(toFormat(f).codec(rows, cols), w, rows, cols);
      const wHat = new Float32Array(w.length);
      dequantizeMatrix(wHat, q);
      const xq = quantizeQ8(createQ8Vector(cols), x);
      const ref = matvecRef(wHat, xq.xq, rows, cols);
      if (f === "q4_1" || f === "q5_1") addQ8_1SumRounding(ref, q.data, q.codec.blockBytes, q.blocksPerRow, xq);
      const out = new Float32Array(rows);
      matvecQuantQ8(out, xq, q);
      expectClose(out, ref, {atol: ACT_KERNEL_RTOL * maxAbs(ref)}, f);
    });
  }
  it("Q8_0 weights with Q8_0 activations lose about 3 dB of output SQNR against Q8_0 weights alone (§4.3)", () => {
    const r = 256;
    const c = 4096;
    const W = gaussian(r * c, 0.02, 9);
    const X = gaussian(c, 1, 10);
    const q = quantizeMatrix(toFormat("q8_0").codec(r, c), W, r, c);
    const exact = matvecRef(W, X, r, c);
    const weightOnly = new Float32Array(r);
    matvecQuant(weightOnly, X, q);
    const both = new Float32Array(r);
    matvecQuantQ8(both, quantizeQ8(createQ8Vector(c), X), q);
    const dbW = sqnrDb(exact, weightOnly);
    const dbWA = sqnrDb(exact, both);
    expect(dbW).toBeGreaterThan(43);
    expect(dbWA).toBeLessThan(dbW - 1.5);
    expect(dbWA).toBeGreaterThan(dbW - 5);
  });
});

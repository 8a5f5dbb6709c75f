// The activation formats of llama.cpp's CPU matrix products (../shared/fixtures/gguf/README.md, vec_dot_type).
import {describe, expect, it} from "vitest";
import {q8_0_x86} from "../../src/formats/q8_0_x86.ts";
import {q8_1} from "../../src/formats/q8_1.ts";
import {q8_k} from "../../src/formats/q8_k.ts";
import {q8_0} from "../../src/formats/q8_0.ts";
import {f16ToF32, f32ToF16, readF16, readF32} from "../../src/formats/fp16.ts";
import {gaussian} from "../quant/data.ts";

/** A block whose amax is 127, so d = 1 exactly and every x·id below is exact: halves show the rounding. */
function tieBlock(n: number): Float32Array {
  const x = new Float32Array(n);
  x.set([127, 2.5, -2.5, 3.5, 0.5, -0.5, 1.25, -126.5]);
  return x;
}

function codes(blocks: Uint8Array, at: number, n: number): number[] {
  return Array.from(blocks.subarray(at, at + n), (b) => (b << 24) >> 24);
}

describe("q8_0_x86, q8_1 and q8_k", () => {
  it("q8_0_x86 rounds halves to even where quantize_row_q8_0_ref (q8_0) rounds them away from zero", () => {
    const x = tieBlock(32);
    const x86 = new Uint8Array(34);
    const ref = new Uint8Array(34);
    q8_0_x86.quantizeRef(x86, 0, x, 0, 1);
    q8_0.quantizeRef(ref, 0, x, 0, 1);
    expect(readF16(x86, 0)).toBe(1);
    expect(codes(x86, 2, 8)).toEqual([127, 2, -2, 4, 0, 0, 1, -126]);
    expect(codes(ref, 2, 8)).toEqual([127, 3, -3, 4, 1, -1, 1, -127]);
  });

  it("q8_0_x86 keeps every value within half a step of fp16 d (plus d's own fp16 rounding)", () => {
    const x = gaussian(1024, 0.5, 7);
    const blocks = new Uint8Array(32 * 34);
    q8_0_x86.quantizeRef(blocks, 0, x, 0, 32);
    const y = new Float32Array(1024);
    q8_0_x86.dequantize(y, 0, blocks, 0, 32);
    for (let b = 0; b < 32; b++) {
      const d = readF16(blocks, 34 * b);
      for (let j = 0; j < 32; j++) {
        const i = 32 * b + j;
        expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(0.5 * d + 127 * d * 2 ** -11);
      }
    }
  });

  it("q8_1 has q8_0_x86's d and codes, and s = fp16(d·Σq) with the float32 d", () => {
    const x = gaussian(64, 1, 3);
    x.set(tieBlock(32), 32);
    const b1 = new Uint8Array(72);
    const b0 = new Uint8Array(68);
    q8_1.quantizeRef(b1, 0, x, 0, 2);
    q8_0_x86.quantizeRef(b0, 0, x, 0, 2);
    for (let b = 0; b < 2; b++) {
      expect(readF16(b1, 36 * b)).toBe(readF16(b0, 34 * b));
      const q = codes(b1, 36 * b + 4, 32);
      expect(q).toEqual(codes(b0, 34 * b + 2, 32));
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[32 * b + j]!));
      const s = Math.fround(Math.fround(amax / 127) * q.reduce((a, v) => a + v, 0));
      expect(readF16(b1, 36 * b + 2)).toBe(f16ToF32(f32ToF16(s)));
    }
    expect(codes(b1, 36 + 4, 8)).toEqual([127, 2, -2, 4, 0, 0, 1, -126]);
    expect(readF16(b1, 36 + 2)).toBe(127 + 2 - 2 + 4 + 1 - 126);
  });

  it("q8_k: iscale = −127/max from the signed max, float32 d = 1/iscale, bsums = sums of 16 codes", () => {
    const x = gaussian(512, 0.02, 11);
    x.set(tieBlock(256), 256); // second super-block: max 127 first, so iscale = −1 and d = −1
    const blocks = new Uint8Array(2 * 292);
    q8_k.quantizeRef(blocks, 0, x, 0, 2);
    expect(readF32(blocks, 292)).toBe(-1);
    expect(codes(blocks, 292 + 4, 8)).toEqual([-127, -2, 2, -4, 0, 0, -1, 126]);
    for (let b = 0; b < 2; b++) {
      const q = codes(blocks, 292 * b + 4, 256);
      for (let g = 0; g < 16; g++) {
        const bsum = (((blocks[292 * b + 260 + 2 * g]! | (blocks[292 * b + 261 + 2 * g]! << 8)) << 16) >> 16) | 0;
        expect(bsum).toBe(q.slice(16 * g, 16 * g + 16).reduce((a, v) => a + v, 0));
      }
    }
    const y = new Float32Array(512);
    q8_k.dequantize(y, 0, blocks, 0, 2);
    const d0 = Math.abs(readF32(blocks, 0));
    for (let i = 0; i < 256; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(0.5 * d0 * (1 + 2 ** -20));
    expect(Array.from(y.subarray(256, 264), (v) => v + 0)).toEqual([127, 2, -2, 4, 0, 0, 1, -126]); // + 0: −1·0 is −0
  });

  it("q8_k writes an all-zero super-block as 292 zero bytes", () => {
    const blocks = new Uint8Array(292).fill(0xaa);
    q8_k.quantizeRef(blocks, 0, new Float32Array(256), 0, 1);
    expect(blocks.every((v) => v === 0)).toBe(true);
  });
});

// Helpers shared by the ggml block formats (ggml-quants.c): the block statistics each reference quantizer starts from,
// the 5th-bit word of Q5_0 / Q5_1, and float32 arithmetic via Math.fround where C would round to float.
import {writeF16} from "./fp16.ts";

/** The value with the largest |x| in x[o..o+n), sign kept (Q4_0 / Q5_0 "use full range" trick); first one on ties. */
export function signedAbsMax(x: Float32Array, o: number, n: number): number {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < n; j++) {
    const v = x[o + j]!;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return max;
}

/** [min, max] of x[o..o+n) as ggml's Q4_1 / Q5_1 loop computes them (starting from ±FLT_MAX). */
export function blockMinMax(x: Float32Array, o: number, n: number): [number, number] {
  let min = 3.4028234663852886e38;
  let max = -3.4028234663852886e38;
  for (let j = 0; j < n; j++) {
    const v = x[o + j]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Symmetric "full range" scale (Q4_0 / Q5_0): d = signed max / −levels, stored as fp16 at o; returns id = 1/d. */
export function writeSignedMaxScale(out: Uint8Array, o: number, x: Float32Array, xo: number, levels: number): number {
  const d = Math.fround(signedAbsMax(x, xo, 32) / -levels);
  writeF16(out, o, d);
  return inverse(d);
}

/** Asymmetric scale (Q4_1 / Q5_1): d = (max − min)/steps and m = min stored as fp16 at o, o+2; returns [min, 1/d]. */
export function writeMinScale(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  steps: number
): [number, number] {
  const [min, max] = blockMinMax(x, xo, 32);
  // max − min rounds to float32 first, as in C (one rounding of the double difference and quotient can differ)
  const d = Math.fround(Math.fround(max - min) / steps);
  writeF16(out, o, d);
  writeF16(out, o + 2, min);
  return [min, inverse(d)];
}

/** 1/d in float32, or 0 when d is 0 (ggml: `id = d ? 1.0f/d : 0.0f`). */
export function inverse(d: number): number {
  return d ? Math.fround(1 / d) : 0;
}

/** C's (int8_t) cast of a float32 sum: truncation toward zero, wrapped to int8 as the hardware does for small values. */
export function truncInt8(v: number): number {
  return (Math.trunc(v) << 24) >> 24;
}

export function readU32(buf: Uint8Array, o: number): number {
  return (buf[o]! | (buf[o + 1]! << 8) | (buf[o + 2]! << 16) | (buf[o + 3]! << 24)) >>> 0;
}

export function writeU32(buf: Uint8Array, o: number, v: number): void {
  buf[o] = v & 0xff;
  buf[o + 1] = (v >>> 8) & 0xff;
  buf[o + 2] = (v >>> 16) & 0xff;
  buf[o + 3] = (v >>> 24) & 0xff;
}

/**
 * Packs 32 five-bit codes as Q5_0 / Q5_1 do: low nibbles into qs[16] (low = element j, high = element j+16), the 5th
 * bit of element i into bit i of the little-endian uint32 qh.
 */
export function packQ5(out: Uint8Array, qhOffset: number, qsOffset: number, codes: Uint8Array): void {
  let qh = 0;
  for (let j = 0; j < 16; j++) {
    const c0 = codes[j]!;
    const c1 = codes[j + 16]!;
    out[qsOffset + j] = (c0 & 0x0f) | ((c1 & 0x0f) << 4);
    qh |= ((c0 & 0x10) >>> 4) << j;
    qh |= ((c1 & 0x10) >>> 4) << (j + 16);
  }
  writeU32(out, qhOffset, qh >>> 0);
}

/** The inverse of packQ5: fills codes[0..32) with the 5-bit values (0..31). */
export function unpackQ5(codes: Uint8Array, src: Uint8Array, qhOffset: number, qsOffset: number): void {
  const qh = readU32(src, qhOffset);
  for (let j = 0; j < 16; j++) {
    const q = src[qsOffset + j]!;
    codes[j] = (q & 0x0f) | (((qh >>> j) << 4) & 0x10);
    codes[j + 16] = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
  }
}

// ggml Q8_0: blocks of 32, x = d·q, q ∈ [-127, 127]. 8.5 bits per weight.
// Byte layout (34 bytes, ggml block_q8_0): fp16 d (little-endian) | int8 qs[32].
// quantize_row_q8_0_ref: d = amax/127 (float32), id = 1/d, q = roundf(x·id) (halves away from zero; id comes from the
// float32 d, not the fp16 one); dequantize: y = q·fp16(d).
import type {Codec, Q8Vector} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {roundHalfAway} from "./rounding.ts";
import {inverse} from "./ggml-block.ts";

const QK = 32;
const BYTES = 34;

/**
 * One block of quantize_row_q8_0_ref: x[xo..xo+32) -> out[o..o+34); the float32 d before fp16 rounding goes to
 * d32[at] (Q8_1's sum needs it). Returns nothing: a float returned from a call the JIT does not inline is boxed.
 */
export function quantizeBlockQ8_0(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  d32: Float32Array,
  at: number
) {
  let amax = 0;
  for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[xo + j]!));
  const d = Math.fround(amax / 127);
  const id = inverse(d);
  writeF16(out, o, d);
  for (let j = 0; j < QK; j++) out[o + 2 + j] = roundHalfAway(Math.fround(x[xo + j]! * id)) & 0xff;
  d32[at] = d;
}
const unusedD = new Float32Array(1);

export const q8_0: Codec = {
  name: "q8_0",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) quantizeBlockQ8_0(out, o, x, xo, unusedD, 0);
  },
  quantizeWeighted(out, o, x, xo, nBlocks) {
    // ggml's quantize_q8_0 ignores quant_weights: 8 bits leave nothing for an importance matrix to trade
    q8_0.quantizeRef(out, o, x, xo, nBlocks);
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      for (let j = 0; j < QK; j++) out[oo + j] = ((src[so + 2 + j]! << 24) >> 24) * d;
    }
  },
  dot(src, so, x, xo, nBlocks) {
    const f16 = f16Table();
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK) {
      let s = 0;
      for (let j = 0; j < QK; j++) s += ((src[so + 2 + j]! << 24) >> 24) * x[xo + j]!;
      sum += s * f16[src[so]! | (src[so + 1]! << 8)]!;
    }
    return sum;
  },
  dotQ8(src, so, y: Q8Vector, xo, nBlocks) {
    // ggml_vec_dot_q8_0_q8_0: sumi in int32, sumf += sumi · d_w · d_y
    const f16 = f16Table();
    const qs = y.qs;
    let sum = 0;
    for (let b = 0, ib = xo / QK; b < nBlocks; b++, so += BYTES, xo += QK, ib++) {
      let sumi = 0;
      for (let j = 0; j < QK; j++) sumi += ((src[so + 2 + j]! << 24) >> 24) * qs[xo + j]!;
      sum += sumi * (f16[src[so]! | (src[so + 1]! << 8)]! * y.d[ib]!);
    }
    return sum;
  }
};

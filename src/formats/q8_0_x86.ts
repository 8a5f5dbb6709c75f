// Q8_0 as llama.cpp's x86 matrix products quantize their input (ggml-cpu quantize_row_q8_0, AVX/AVX2 path): blocks of
// 32, x = d·q, q ∈ [−127, 127], 8.5 bits per weight, the same 34-byte block_q8_0 as q8_0 (fp16 d | int8 qs[32]).
// It differs from quantize_row_q8_0_ref (q8_0, and today's --act q8_0) in two places: the multiplier is
// id = 127/amax (not 1/d) and q = round-half-to-even(x·id) (_mm256_round_ps, not roundf). d = amax/127 (float32,
// stored fp16). Dequantize and dot products are q8_0's.
import type {Codec} from "./codec.ts";
import {writeF16} from "./fp16.ts";
import {roundHalfEven} from "./rounding.ts";
import {q8_0} from "./q8_0.ts";

const QK = 32;

/**
 * One 32-value block x[xo..xo+32): fp16 d at out[dOffset], the int8 codes at out[qsOffset..+32), the float32 d (before
 * fp16 rounding: Q8_1's block sum needs it) into d32[at]. Returns Σq.
 */
export function quantizeBlockQ8x86(
  out: Uint8Array,
  dOffset: number,
  qsOffset: number,
  x: Float32Array,
  xo: number,
  d32: Float32Array,
  at: number
): number {
  let amax = 0;
  for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[xo + j]!));
  const d = Math.fround(amax / 127);
  const id = amax !== 0 ? Math.fround(127 / amax) : 0;
  writeF16(out, dOffset, d);
  let sum = 0;
  for (let j = 0; j < QK; j++) {
    const q = roundHalfEven(Math.fround(x[xo + j]! * id));
    out[qsOffset + j] = q & 0xff;
    sum += q;
  }
  d32[at] = d;
  return sum;
}
const unusedD = new Float32Array(1);

export const q8_0_x86: Codec = {
  ...q8_0,
  name: "q8_0_x86",
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += q8_0.blockBytes, xo += QK)
      quantizeBlockQ8x86(out, o, o + 2, x, xo, unusedD, 0);
  }
};

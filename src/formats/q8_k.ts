// ggml Q8_K, the input format of llama.cpp's K-quant (and IQ4_XS) matrix products: super-blocks of 256, x = d·q,
// q ∈ [−128, 127], float32 d, plus the sums of each 16 codes (the K-quant kernels subtract the mins with them).
// 9.125 bits per weight. Byte layout (292 bytes, ggml block_q8_K): float32 d | int8 qs[256] | int16 bsums[16].
// quantize_row_q8_K_ref: max = the value of largest |x| (sign kept, first one), iscale = −127/max,
// q = min(127, nearest_int(iscale·x)), d = 1/iscale; an all-zero block gets d = 0, q = 0 (and bsums 0, which ggml
// leaves unwritten). dequantize: y = d·q.
import type {Codec} from "./codec.ts";
import {readF32, writeF32} from "./fp16.ts";
import {nearestInt, QK_K, signedMax} from "./k-quants.ts";

const BYTES = 292;

export const q8_k: Codec = {
  name: "q8_k",
  blockSize: QK_K,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK_K,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) {
      const max = signedMax(x, xo, QK_K);
      if (max === 0) {
        out.fill(0, o, o + BYTES);
        continue;
      }
      const iscale = Math.fround(-127 / max);
      for (let j = 0; j < QK_K; j++)
        out[o + 4 + j] = Math.min(127, nearestInt(Math.fround(iscale * x[xo + j]!))) & 0xff;
      for (let g = 0; g < 16; g++) {
        let sum = 0;
        for (let i = 0; i < 16; i++) sum += (out[o + 4 + 16 * g + i]! << 24) >> 24;
        out[o + 260 + 2 * g] = sum & 0xff;
        out[o + 261 + 2 * g] = (sum >> 8) & 0xff;
      }
      writeF32(out, o, Math.fround(1 / iscale));
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK_K) {
      const d = readF32(src, so);
      for (let j = 0; j < QK_K; j++) out[oo + j] = d * ((src[so + 4 + j]! << 24) >> 24);
    }
  },
  dot(src, so, x, xo, nBlocks) {
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK_K) {
      let s = 0;
      for (let j = 0; j < QK_K; j++) s += ((src[so + 4 + j]! << 24) >> 24) * x[xo + j]!;
      sum += s * readF32(src, so);
    }
    return sum;
  }
};

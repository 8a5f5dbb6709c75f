// llama2.c int8 ("Q8_0" of export.py --version 2 / runq.c): groups of G (default 64), fp32 scale, symmetric.
//   s = amax/127, q = round(x/s) (torch.round: halves to even), x̂ = q·s. An all-zero group gives q = 0.
// Bits per weight: 8 + 32/G (8.5 for G = 64).
// Byte layout of a block: fp32 s (little-endian) | int8 q[G]. (llama2.c's v2 file stores all q of a tensor, then all
// its scales; we keep each group's scale beside its codes. The numbers are the same.)
import type {Codec} from "./codec.ts";
import {readF32, writeF32} from "./fp16.ts";
import {roundHalfEven} from "./rounding.ts";

export interface Llama2cQ8Params {
  /** values per scale: 32..256, a multiple of 32 (runq.c quantizes activations with the same group) */
  group: number;
}

export function llama2cQ8Codec({group}: Llama2cQ8Params): Codec {
  const blockBytes = 4 + group;
  return {
    name: `llama2c_q8:g${group}`,
    blockSize: group,
    blockBytes,
    headerBytes: 0,
    bpw: (blockBytes * 8) / group,
    quantizeRef(out, o, x, xo, nBlocks) {
      for (let b = 0; b < nBlocks; b++, o += blockBytes, xo += group) {
        let amax = 0;
        for (let j = 0; j < group; j++) amax = Math.max(amax, Math.abs(x[xo + j]!));
        const s = writeF32(out, o, amax / 127);
        for (let j = 0; j < group; j++) out[o + 4 + j] = (s ? roundHalfEven(Math.fround(x[xo + j]! / s)) : 0) & 0xff;
      }
    },
    dequantize(out, oo, src, so, nBlocks) {
      for (let b = 0; b < nBlocks; b++, so += blockBytes, oo += group) {
        const s = readF32(src, so);
        for (let j = 0; j < group; j++) out[oo + j] = ((src[so + 4 + j]! << 24) >> 24) * s;
      }
    },
    dot(src, so, x, xo, nBlocks) {
      let sum = 0;
      for (let b = 0; b < nBlocks; b++, so += blockBytes, xo += group) {
        let s = 0;
        for (let j = 0; j < group; j++) s += ((src[so + 4 + j]! << 24) >> 24) * x[xo + j]!;
        sum += s * readF32(src, so);
      }
      return sum;
    },
    dotQ8(src, so, y, xo, nBlocks) {
      // runq.c matmul: int32 sums per activation block of 32, scaled by both scales
      const qs = y.qs;
      let sum = 0;
      for (let b = 0; b < nBlocks; b++, so += blockBytes) {
        const s = readF32(src, so);
        for (let k = 0; k < group; k += 32, xo += 32) {
          let sumi = 0;
          for (let j = 0; j < 32; j++) sumi += ((src[so + 4 + k + j]! << 24) >> 24) * qs[xo + j]!;
          sum += sumi * (s * y.d[xo / 32]!);
        }
      }
      return sum;
    }
  };
}

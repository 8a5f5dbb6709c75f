// bitsandbytes NF4 (QLoRA): 16 levels at normal quantiles, one fp32 absmax per block (default 64).
//   a = max|x|, q = nearest NF4 level to x/a (clamped to [−1, 1]; a value exactly between two levels takes the lower,
//   as torch.bucketize does), x̂ = NF4[q]·a.
// Bits per weight: 4 + 32/B (4.5 for B = 64; without bitsandbytes' double quantization of the absmax values).
// Byte layout of a block: fp32 absmax (little-endian) | B/2 bytes, byte i = q[2i] << 4 | q[2i+1] (the FIRST element in
// the HIGH nibble, as bitsandbytes packs; the opposite of ggml's low = j, high = j+16).
import type {Codec} from "./codec.ts";
import {readF32, writeF32} from "./fp16.ts";

/** bitsandbytes functional.get_4bit_type("nf4"), index 0..15, as float32. */
export const NF4_LEVELS = Float32Array.from([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0
]);

/** (15,) float32 midpoints between consecutive levels: the bucket boundaries. */
const MIDPOINTS = Float32Array.from({length: 15}, (_, i) => (NF4_LEVELS[i]! + NF4_LEVELS[i + 1]!) / 2);

function nearestLevel(v: number): number {
  let q = 0;
  while (q < 15 && v > MIDPOINTS[q]!) q++;
  return q;
}

export interface Nf4Params {
  /** values per absmax: a power of two, 32..4096 (bitsandbytes' range) */
  block: number;
}

export function nf4Codec({block}: Nf4Params): Codec {
  const blockBytes = 4 + block / 2;
  return {
    name: `nf4:b${block}`,
    blockSize: block,
    blockBytes,
    headerBytes: 0,
    bpw: (blockBytes * 8) / block,
    quantizeRef(out, o, x, xo, nBlocks) {
      for (let b = 0; b < nBlocks; b++, o += blockBytes, xo += block) {
        let amax = 0;
        for (let j = 0; j < block; j++) amax = Math.max(amax, Math.abs(x[xo + j]!));
        writeF32(out, o, amax);
        for (let j = 0; j < block; j += 2) {
          const q0 = amax ? nearestLevel(Math.fround(x[xo + j]! / amax)) : 7;
          const q1 = amax ? nearestLevel(Math.fround(x[xo + j + 1]! / amax)) : 7;
          out[o + 4 + j / 2] = (q0 << 4) | q1;
        }
      }
    },
    dequantize(out, oo, src, so, nBlocks) {
      for (let b = 0; b < nBlocks; b++, so += blockBytes, oo += block) {
        const a = readF32(src, so);
        for (let j = 0; j < block; j += 2) {
          const byte = src[so + 4 + j / 2]!;
          out[oo + j] = NF4_LEVELS[byte >> 4]! * a;
          out[oo + j + 1] = NF4_LEVELS[byte & 0xf]! * a;
        }
      }
    },
    dot(src, so, x, xo, nBlocks) {
      let sum = 0;
      for (let b = 0; b < nBlocks; b++, so += blockBytes, xo += block) {
        let s = 0;
        for (let j = 0; j < block; j += 2) {
          const byte = src[so + 4 + j / 2]!;
          s += NF4_LEVELS[byte >> 4]! * x[xo + j]! + NF4_LEVELS[byte & 0xf]! * x[xo + j + 1]!;
        }
        sum += s * readF32(src, so);
      }
      return sum;
    }
  };
}

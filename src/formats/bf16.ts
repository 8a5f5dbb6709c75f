// bfloat16 (ggml BF16): the top 16 bits of a float32, rounded to nearest, ties to even. 16 bits per weight.
// Byte layout: one little-endian bf16 per value; a block is one value.
// ggml_compute_fp32_to_bf16 (and gguf-py's quants.quantize(…, BF16)): a NaN keeps its sign and top mantissa bits with
// the quiet bit set, (u >> 16) | 64; any other u becomes (u + 0x7fff + ((u >> 16) & 1)) >> 16 (an overflow rounds to
// inf, as it should). dequantize: the bits shifted back up, y = bits << 16.
import type {Codec} from "./codec.ts";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bf16 bit pattern (0..0xffff) of x, as ggml rounds it. */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 64;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16ToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

export const bf16: Codec = {
  name: "bf16",
  blockSize: 1,
  blockBytes: 2,
  headerBytes: 0,
  bpw: 16,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let j = 0; j < nBlocks; j++) {
      const h = f32ToBf16(x[xo + j]!);
      out[o + 2 * j] = h & 0xff;
      out[o + 2 * j + 1] = h >>> 8;
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    for (let j = 0; j < nBlocks; j++) out[oo + j] = bf16ToF32(src[so + 2 * j]! | (src[so + 2 * j + 1]! << 8));
  },
  dot(src, so, x, xo, nBlocks) {
    let sum = 0;
    for (let j = 0; j < nBlocks; j++) sum += bf16ToF32(src[so + 2 * j]! | (src[so + 2 * j + 1]! << 8)) * x[xo + j]!;
    return sum;
  }
};

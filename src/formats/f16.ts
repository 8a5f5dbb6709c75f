// IEEE fp16 (ggml F16): every value rounded to half precision (nearest, ties to even). 16 bits per weight.
// Byte layout: one little-endian fp16 per value; a block is one value.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";

export const f16: Codec = {
  name: "f16",
  blockSize: 1,
  blockBytes: 2,
  headerBytes: 0,
  bpw: 16,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let j = 0; j < nBlocks; j++) writeF16(out, o + 2 * j, x[xo + j]!);
  },
  dequantize(out, oo, src, so, nBlocks) {
    const t = f16Table();
    for (let j = 0; j < nBlocks; j++) out[oo + j] = t[src[so + 2 * j]! | (src[so + 2 * j + 1]! << 8)]!;
  },
  dot(src, so, x, xo, nBlocks) {
    const t = f16Table();
    let sum = 0;
    for (let j = 0; j < nBlocks; j++) sum += t[src[so + 2 * j]! | (src[so + 2 * j + 1]! << 8)]! * x[xo + j]!;
    return sum;
  }
};

// ggml Q8_1 as llama.cpp's x86 matrix products quantize the input of Q4_1 / Q5_1 weights (ggml-cpu quantize_row_q8_1,
// AVX2 path): blocks of 32, x = d·q, q ∈ [−127, 127], plus the block sum s = d·Σq. 9 bits per weight.
// Byte layout (36 bytes, ggml block_q8_1): fp16 d | fp16 s | int8 qs[32].
// d and q exactly as q8_0_x86 (id = 127/amax, round half to even); s = fp16(d·Σq) with the float32 d, before d is
// rounded to fp16 (one rounding from the exact d·Σq). The products use s for the weight block's min term:
// Σ [d_w·d·Σ q_w q + m_w·s]. dequantize: y = fp16(d)·q.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {quantizeBlockQ8x86} from "./q8_0_x86.ts";

const QK = 32;
const BYTES = 36;
const d32 = new Float32Array(1);

export const q8_1: Codec = {
  name: "q8_1",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      const sum = quantizeBlockQ8x86(out, o, o + 4, x, xo, d32, 0);
      writeF16(out, o + 2, Math.fround(d32[0]! * sum));
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      for (let j = 0; j < QK; j++) out[oo + j] = ((src[so + 4 + j]! << 24) >> 24) * d;
    }
  },
  dot(src, so, x, xo, nBlocks) {
    const f16 = f16Table();
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK) {
      let s = 0;
      for (let j = 0; j < QK; j++) s += ((src[so + 4 + j]! << 24) >> 24) * x[xo + j]!;
      sum += s * f16[src[so]! | (src[so + 1]! << 8)]!;
    }
    return sum;
  }
};

// Activation quantization as llama.cpp's CPU matmul and llama2.c runq.c do it: the input vector is quantized to
// Q8_0 blocks of 32 once per matvec (ggml quantize_row_q8_0 / q8_1: d = amax/127 as fp16, q = roundf(x/d)), and the
// weight kernels take integer dot products against it. Values past the last whole block stay float32.
import type {Q8Vector} from "./codec.ts";
import {f16Table, f32ToF16} from "./fp16.ts";
import {q8_0} from "./formats/q8_0.ts";

const QK = 32;

/** Buffers for quantizing vectors of length len. */
export function createQ8Vector(len: number): Q8Vector {
  const n = len - (len % QK);
  return {n, d: new Float32Array(n / QK), s: new Float32Array(n / QK), qs: new Int8Array(n), xq: new Float32Array(len)};
}

/** Quantizes x (len,) into v (from createQ8Vector(len)), reusing v's buffers. */
export function quantizeQ8(v: Q8Vector, x: Float32Array): Q8Vector {
  const nb = v.n / QK;
  const bytes = new Uint8Array(nb * q8_0.blockBytes);
  q8_0.quantizeRef(bytes, 0, x, 0, nb);
  q8_0.dequantize(v.xq, 0, bytes, 0, nb);
  v.xq.set(x.subarray(v.n), v.n);
  const f16 = f16Table();
  for (let b = 0; b < nb; b++) {
    const o = b * q8_0.blockBytes;
    const d = f16[bytes[o]! | (bytes[o + 1]! << 8)]!;
    let sum = 0;
    for (let j = 0; j < QK; j++) {
      const q = (bytes[o + 2 + j]! << 24) >> 24;
      v.qs[b * QK + j] = q;
      sum += q;
    }
    v.d[b] = d;
    v.s[b] = f16[f32ToF16(d * sum)]!;
  }
  return v;
}

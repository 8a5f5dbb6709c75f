// Activation quantization as llama.cpp's CPU matmul and llama2.c runq.c do it: the input vector is quantized to
// Q8_0 blocks of 32 once per matvec (ggml quantize_row_q8_0 / q8_1: d = amax/127 as fp16, q = roundf(x/d)), and the
// weight kernels take integer dot products against it. Values past the last whole block stay float32.
// Q8_1's block sum follows ggml quantize_row_q8_1_ref (ggml-quants.c): s = GGML_FP32_TO_FP16(sum*d) with the float32
// d, before d itself is rounded to fp16, so s is one rounding from the exact d·Σq, not two.
import type {Q8Vector} from "./codec.ts";
import {f16Table, f32ToF16} from "./fp16.ts";
import {q8_0, quantizeBlockQ8_0} from "./q8_0.ts";

const QK = 32;
/** the float32 d of the block being quantized */
const d32 = new Float32Array(1);

/** Buffers for quantizing vectors of length len; `alloc` places xq, the vector fp32 kernels read (default a new array). */
export function createQ8Vector(len: number, alloc: (n: number) => Float32Array = (n) => new Float32Array(n)): Q8Vector {
  const n = len - (len % QK);
  const nb = n / QK;
  return {
    n,
    d: new Float32Array(nb),
    s: new Float32Array(nb),
    qs: new Int8Array(n),
    xq: alloc(len),
    blocks: new Uint8Array(nb * q8_0.blockBytes)
  };
}

/** Quantizes x (len,) into v (from createQ8Vector(len)), reusing v's buffers: nothing is allocated. */
export function quantizeQ8(v: Q8Vector, x: Float32Array): Q8Vector {
  const nb = v.n / QK;
  const {blocks, qs} = v;
  const f16 = f16Table();
  for (let b = 0; b < nb; b++) {
    const o = b * q8_0.blockBytes;
    quantizeBlockQ8_0(blocks, o, x, b * QK, d32, 0);
    let sum = 0;
    for (let j = 0; j < QK; j++) {
      const q = (blocks[o + 2 + j]! << 24) >> 24;
      qs[b * QK + j] = q;
      sum += q;
    }
    v.d[b] = f16[blocks[o]! | (blocks[o + 1]! << 8)]!;
    v.s[b] = f16[f32ToF16(Math.fround(sum * d32[0]!))]!;
  }
  q8_0.dequantize(v.xq, 0, blocks, 0, nb);
  for (let i = v.n; i < v.xq.length; i++) v.xq[i] = x[i]!;
  return v;
}

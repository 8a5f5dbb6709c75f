// llama.cpp's numerics (--act ggml, the quant providers' act mode "ggml"): every matrix product first converts its
// float32 input to the weight type's vec_dot_type (src/formats/vec-dot.ts: fp16, bf16, Q8_0 as the x86 kernels round
// it, Q8_1, Q8_K), then multiplies by the weights in whatever weight mode runs (dequantized floats, or the fused
// kernels on the packed blocks). The sums are float32 in another order than ggml's, which changes nothing beyond
// float32 noise; the one term the dequantized product does not have is Q4_1 / Q5_1's m_w·s_x, where s_x = fp16(d·Σq) is
// a rounded block sum: it is added as m_w·(s_x − d_x·Σq_x) per block. The embedding lookup and attention read float32
// as llama.cpp's get_rows and F32 KV cache do.
import {f16Table} from "../formats/fp16.ts";
import {MIN_TIMES_SUM_TYPES, VEC_DOT_CODECS, vecDotInput} from "../formats/vec-dot.ts";
import type {Codec} from "../formats/codec.ts";

/** How llama.cpp feeds one weight matrix (d, n): its input's vec_dot_type and, for Q4_1/Q5_1, the weight block mins. */
export interface GgmlInput {
  /** the vec_dot_type codec the input row is converted to */
  act: Codec;
  /** (d, n/32) Q4_1/Q5_1 block minimums m_w, else null */
  mins: Float32Array | null;
}

const QK = 32;

/** The fp16 m of every 32-value block (at byte 2 of block_q4_1 and block_q5_1), (rows, cols/32). */
function blockMins(bytes: Uint8Array, rows: number, cols: number): Float32Array {
  const f16 = f16Table();
  const nb = cols / QK;
  const blockBytes = bytes.byteLength / (rows * nb);
  const mins = new Float32Array(rows * nb);
  for (let i = 0; i < rows * nb; i++) {
    const o = i * blockBytes + 2;
    mins[i] = f16[bytes[o]! | (bytes[o + 1]! << 8)]!;
  }
  return mins;
}

/**
 * The input conversion of a (d, n) matrix stored as ggml `type` in `bytes` (rows of blocks), or null for F32 (its input
 * stays float32). `label` names the matrix in the error for rows that are not whole activation blocks.
 */
export function ggmlInput(type: string, bytes: Uint8Array, d: number, n: number, label: string): GgmlInput | null {
  const act = VEC_DOT_CODECS.get(type);
  if (!act) return null;
  if (n % act.blockSize !== 0)
    throw new Error(`${label}: rows of ${n} are not whole ${act.name} blocks of ${act.blockSize}`);
  return {act, mins: MIN_TIMES_SUM_TYPES.has(type) ? blockMins(bytes, d, n) : null};
}

export interface GgmlConverter {
  /** x[xo .. xo+n) -> (n,) the row as llama.cpp's kernel reads it (a view of scratch, valid until the next call) */
  convert(input: GgmlInput, x: Float32Array, xo: number, n: number): Float32Array;
  /** out[oo .. oo+d) += the m_w·s_x terms of the last converted row (Q4_1/Q5_1 only) */
  addMins(input: GgmlInput, out: Float32Array, oo: number, d: number, n: number): void;
}

/** A converter for rows of up to maxN values; `floats` makes its (n,) row buffer (where the kernels read it best). */
export function ggmlConverter(maxN: number, floats: (n: number) => Float32Array): GgmlConverter {
  const blocks = new Uint8Array(Math.ceil(maxN / QK) * 292); // the largest activation block per 32 values (Q8_K: 292 per 256)
  const xr = floats(maxN); // (n,) one input row as the kernel reads it
  const corr = new Float32Array(Math.ceil(maxN / QK)); // (n/32,) s_x − d_x·Σq_x per Q8_1 block
  /** (n,) views of xr per row length, made once: a decode step allocates no view */
  const views = new Map<number, Float32Array>();
  const rowOf = (n: number) => {
    let v = views.get(n);
    if (!v) views.set(n, (v = xr.subarray(0, n)));
    return v;
  };
  return {
    convert({act, mins}, x, xo, n) {
      vecDotInput(act, x, xo, n, blocks, xr, mins ? corr : null);
      return rowOf(n);
    },
    addMins({mins}, out, oo, d, n) {
      if (!mins) return;
      const nb = n / QK;
      for (let r = 0; r < d; r++) {
        let s = 0;
        for (let b = 0; b < nb; b++) s += mins[r * nb + b]! * corr[b]!;
        out[oo + r] = out[oo + r]! + s;
      }
    }
  };
}

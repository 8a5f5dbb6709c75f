// What llama.cpp's CPU matrix products do to their float32 input: `type_traits_cpu[type].vec_dot_type` in ggml-cpu.c
// (c392e5094). Before a product with weights of a ggml type, each input row is converted with that type's from_float:
// F16 -> fp16, BF16 -> bf16 (round to nearest even), Q8_0/Q4_0/Q5_0/IQ4_NL -> Q8_0 as the x86 kernels quantize it,
// Q4_1/Q5_1 -> Q8_1 (and the product uses its block sums s), the K-quants -> Q8_K. F32 inputs stay as they are.
// The rounding of each is documented in ../shared/fixtures/gguf/README.md and in the codec files.
import {bf16} from "./bf16.ts";
import type {Codec} from "./codec.ts";
import {f16} from "./f16.ts";
import {f16Table} from "./fp16.ts";
import {ggmlTypeOf} from "./ggml-codecs.ts";
import {dequantizeRow, type QuantizedMatrix} from "./matrix.ts";
import {q8_0_x86} from "./q8_0_x86.ts";
import {q8_1} from "./q8_1.ts";
import {q8_k} from "./q8_k.ts";

/** ggml weight type -> the codec its products convert the input to (absent: F32, no conversion) */
export const VEC_DOT_CODECS: ReadonlyMap<string, Codec> = new Map([
  ["F16", f16],
  ["BF16", bf16],
  ["Q8_0", q8_0_x86],
  ["Q4_0", q8_0_x86],
  ["Q5_0", q8_0_x86],
  ["IQ4_NL", q8_0_x86],
  ["Q4_1", q8_1],
  ["Q5_1", q8_1],
  ["Q2_K", q8_k],
  ["Q3_K", q8_k],
  ["Q4_K", q8_k],
  ["Q5_K", q8_k],
  ["Q6_K", q8_k]
]);

/** Weight types whose products add the weight block's min times the input block's sum s (Q8_1's s): Σ [d_w·d_x·Σ q_w q_x + m_w·s_x]. */
export const MIN_TIMES_SUM_TYPES: ReadonlySet<string> = new Set(["Q4_1", "Q5_1"]);

const QK = 32;

/**
 * x[xo..xo+n) through the vec_dot_type `act` (n whole blocks of it): quantized into `blocks`, dequantized into xr;
 * with `corr` (Q8_1) also each block's s_x − d_x·Σq_x, what the rounded sum adds to the min term m_w·d_x·Σq_x.
 */
export function vecDotInput(
  act: Codec,
  x: Float32Array,
  xo: number,
  n: number,
  blocks: Uint8Array,
  xr: Float32Array,
  corr: Float32Array | null
): Float32Array {
  const nb = n / act.blockSize;
  act.quantizeRef(blocks, 0, x, xo, nb);
  act.dequantize(xr, 0, blocks, 0, nb);
  if (corr) {
    const half = f16Table();
    for (let b = 0; b < nb; b++) {
      const o = b * act.blockBytes; // block_q8_1: fp16 d | fp16 s | int8 qs[32]
      let sum = 0;
      for (let j = 0; j < QK; j++) sum += (blocks[o + 4 + j]! << 24) >> 24;
      corr[b] = half[blocks[o + 2]! | (blocks[o + 3]! << 8)]! - half[blocks[o]! | (blocks[o + 1]! << 8)]! * sum;
    }
  }
  return xr;
}

/** q's ggml type name and its vec_dot_type, or an error naming what stops llama.cpp's integer path on it. */
export function vecDotOf(q: QuantizedMatrix): {type: string; act: Codec} {
  const type = ggmlTypeOf(q.codec);
  const act = type === undefined ? undefined : VEC_DOT_CODECS.get(type);
  if (type === undefined || !act || q.flat || q.tailLen !== 0 || q.cols % act.blockSize !== 0)
    throw new Error(
      `invalid vec_dot matrix: ${q.codec.name} ${q.rows}×${q.cols} is not a ggml type on rows of whole ` +
        `${act?.name ?? "activation"} blocks (llama.cpp's integer path needs the file's own row layout)`
    );
  return {type, act};
}

/**
 * The reference of llama.cpp's product W (rows, cols) @ x -> out (rows,): x through q's vec_dot_type, then each row
 * dequantized and dotted in float64, plus Q4_1 / Q5_1's m_w·(s_x − d_x·Σq_x). ggml sums integers per block and
 * scales in float32; this differs from it by float32 rounding only.
 */
export function matvecVecDot(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void {
  const {type, act} = vecDotOf(q);
  const n = q.cols;
  const blocks = new Uint8Array((n / act.blockSize) * act.blockBytes);
  const corr = MIN_TIMES_SUM_TYPES.has(type) ? new Float32Array(n / QK) : null;
  const xr = vecDotInput(act, x, 0, n, blocks, new Float32Array(n), corr);
  const row = new Float32Array(n);
  const half = f16Table();
  for (let r = 0; r < q.rows; r++) {
    dequantizeRow(row, q, r);
    let s = 0;
    for (let j = 0; j < n; j++) s += row[j]! * xr[j]!;
    for (let b = 0; corr && b < n / QK; b++) {
      const o = r * q.rowBytes + b * q.codec.blockBytes + 2; // block_q4_1 / block_q5_1: fp16 d | fp16 m | …
      s += half[q.data[o]! | (q.data[o + 1]! << 8)]! * corr[b]!;
    }
    out[r] = s;
  }
}

// KV-cache types as llama.cpp's (-ctk / -ctv, non-flash attention, llm_build_kqv): what a cached K or V row, and the
// query and softmax probabilities multiplied with it, become. K and V rows are written with ggml_cpy (fp16 round to
// nearest even, or quantize_row_q8_0 per 32 values along the head); then kq = mul_mat(K, q) converts q to K's
// vec_dot_type and kqv = mul_mat(V, softmax) converts the probabilities to V's. So:
//   f32:  nothing (this engine's default; llama.cpp's default is f16)
//   f16:  K, V, q and the probabilities rounded to fp16
//   q8_0: K and q quantized to Q8_0 (x86 rounding, q8_0_x86.ts); V stays F32 (llama.cpp refuses a quantized V cache
//         without flash attention)
// The values are stored dequantized in the float32 cache: the products of d_k·d_q·Σ q_k q_q are the same numbers.
import {keyword} from "../checks/keyword.ts";
import {f16Table, f32ToF16} from "../formats/fp16.ts";
import {quantizeBlockQ8x86} from "../formats/q8_0_x86.ts";

export const KV_TYPES = ["f32", "f16", "q8_0"] as const;
export type KvType = (typeof KV_TYPES)[number];

export function toKvType(value: string): KvType {
  return keyword(value, "kv", KV_TYPES);
}

const QK = 32;
const block = new Uint8Array(34);
const d32 = new Float32Array(1);

/** buf[o..o+n) rounded to fp16 in place. */
export function roundF16(buf: Float32Array, o: number, n: number): void {
  const f16 = f16Table();
  for (let i = o; i < o + n; i++) buf[i] = f16[f32ToF16(buf[i]!)]!;
}

/** buf[o..o+n) (n a multiple of 32) quantized to Q8_0 as ggml-cpu does on x86, and back, in place. */
export function roundQ8_0(buf: Float32Array, o: number, n: number): void {
  const f16 = f16Table();
  for (let b = o; b < o + n; b += QK) {
    quantizeBlockQ8x86(block, 0, 2, buf, b, d32, 0);
    const d = f16[block[0]! | (block[1]! << 8)]!;
    for (let j = 0; j < QK; j++) buf[b + j] = d * ((block[2 + j]! << 24) >> 24);
  }
}

/** The K and V rows just written at [at, at + n) of each cache, as the cache type stores them. */
export function storeKv(kv: KvType, keys: Float32Array, values: Float32Array, at: number, n: number): void {
  if (kv === "f16") {
    roundF16(keys, at, n);
    roundF16(values, at, n);
  } else if (kv === "q8_0") roundQ8_0(keys, at, n);
}

/** q (n values) as the K cache's vec_dot_type. */
export function queryForKv(kv: KvType, q: Float32Array, n: number): void {
  if (kv === "f16") roundF16(q, 0, n);
  else if (kv === "q8_0") roundQ8_0(q, 0, n);
}

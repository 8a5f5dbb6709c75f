// What llama.cpp's CPU matrix products do to their float32 input: `type_traits_cpu[type].vec_dot_type` in ggml-cpu.c
// (c392e5094). Before a product with weights of a ggml type, each input row is converted with that type's from_float:
// F16 -> fp16, BF16 -> bf16 (round to nearest even), Q8_0/Q4_0/Q5_0/IQ4_NL -> Q8_0 as the x86 kernels quantize it,
// Q4_1/Q5_1 -> Q8_1 (and the product uses its block sums s), the K-quants -> Q8_K. F32 inputs stay as they are.
// The rounding of each is documented in ../shared/fixtures/gguf/README.md and in the codec files.
import {bf16} from "./bf16.ts";
import type {Codec} from "./codec.ts";
import {f16} from "./f16.ts";
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

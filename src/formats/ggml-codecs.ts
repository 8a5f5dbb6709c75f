// The codec of each ggml tensor type by ggml's type name (llama.cpp c392e5094 `type_traits[]`): the one place a ggml
// type name becomes decoding code. F32 is no codec: its bytes are the values.
import type {Codec} from "./codec.ts";
import {f16} from "./f16.ts";
import {q4_0} from "./q4_0.ts";
import {q4_1} from "./q4_1.ts";
import {q5_0} from "./q5_0.ts";
import {q5_1} from "./q5_1.ts";
import {q8_0} from "./q8_0.ts";
import {bf16} from "./bf16.ts";
import {iq4_nl} from "./iq4_nl.ts";
import {q2_k} from "./q2_k.ts";
import {q3_k} from "./q3_k.ts";
import {q4_k} from "./q4_k.ts";
import {q5_k} from "./q5_k.ts";
import {q6_k} from "./q6_k.ts";

export const GGML_CODECS: ReadonlyMap<string, Codec> = new Map([
  ["F16", f16],
  ["BF16", bf16],
  ["Q4_0", q4_0],
  ["Q4_1", q4_1],
  ["Q5_0", q5_0],
  ["Q5_1", q5_1],
  ["Q8_0", q8_0],
  ["Q2_K", q2_k],
  ["Q3_K", q3_k],
  ["Q4_K", q4_k],
  ["Q5_K", q5_k],
  ["Q6_K", q6_k],
  ["IQ4_NL", iq4_nl]
]);

/**
 * llama-quantize's replacement for a K-quant whose super-block of 256 does not divide the rows (llama-quant.cpp
 * c392e5094, llama_tensor_get_type): the type it stores instead, by ggml type name.
 */
export const GGML_FALLBACK: ReadonlyMap<string, string> = new Map([
  ["Q2_K", "IQ4_NL"],
  ["Q3_K", "IQ4_NL"],
  ["Q4_K", "Q5_0"],
  ["Q5_K", "Q5_1"],
  ["Q6_K", "Q8_0"]
]);

/**
 * The type llama-quantize stores instead of `type` for rows of rowLength values its block does not divide: the
 * fallback, or F16 when the fallback's block of 32 does not divide them either; undefined when `type` has none
 * (llama-quantize stops: "Unsupported tensor size encountered").
 */
export function ggmlFallback(type: string, rowLength: number): string | undefined {
  const next = GGML_FALLBACK.get(type);
  if (next === undefined) return undefined;
  return rowLength % GGML_CODECS.get(next)!.blockSize === 0 ? next : "F16";
}

/** The ggml type name of one of the codecs above (undefined for any other codec). */
export function ggmlTypeOf(codec: Codec): string | undefined {
  for (const [type, c] of GGML_CODECS) if (c === codec) return type;
  return undefined;
}

/** Every ggml type name that can be decoded to float32. */
export const DECODABLE_GGML_TYPES: readonly string[] = ["F32", ...GGML_CODECS.keys()];

/** `count` values of a ggml tensor of `type` at bytes[0..] as float32 into out[oo..]; count is whole blocks. */
export function decodeGgmlInto(out: Float32Array, oo: number, type: string, bytes: Uint8Array, count: number): void {
  if (type === "F32") {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
    for (let i = 0; i < count; i++) out[oo + i] = dv.getFloat32(4 * i, true);
    return;
  }
  const codec = GGML_CODECS.get(type);
  if (!codec) throw new Error(`unsupported ggml type: ${type} (decodable: ${DECODABLE_GGML_TYPES.join(", ")})`);
  codec.dequantize(out, oo, bytes, 0, count / codec.blockSize);
}

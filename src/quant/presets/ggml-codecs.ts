// The codec of each ggml type a preset can write, by ggml's type name: the one place a ggml type name is turned into
// quantization code (the formats themselves live in src/formats). F32 is no codec: its bytes are
// the values.
import {bf16} from "../../formats/bf16.ts";
import {iq4_nl} from "../../formats/iq4_nl.ts";
import {q2_k} from "../../formats/q2_k.ts";
import {q3_k} from "../../formats/q3_k.ts";
import {q4_k} from "../../formats/q4_k.ts";
import {q5_k} from "../../formats/q5_k.ts";
import {q6_k} from "../../formats/q6_k.ts";
import type {Codec} from "../../formats/codec.ts";
import {f16} from "../../formats/f16.ts";
import {q4_0} from "../../formats/q4_0.ts";
import {q4_1} from "../../formats/q4_1.ts";
import {q5_0} from "../../formats/q5_0.ts";
import {q5_1} from "../../formats/q5_1.ts";
import {q8_0} from "../../formats/q8_0.ts";

const CODECS: ReadonlyMap<string, Codec> = new Map([
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

/** Every ggml type name this project can write. */
export const WRITABLE_TYPES: readonly string[] = ["F32", ...CODECS.keys()];

function codecOf(type: string): Codec {
  const codec = CODECS.get(type);
  if (!codec) throw new Error(`invalid ggml type: ${type} (writable: ${WRITABLE_TYPES.join(", ")})`);
  return codec;
}

/** (rows, rowLength) float32 values as a ggml tensor of `type`; rowLength is a multiple of the type's block. */
export function encodeTensor(type: string, values: Float32Array): Uint8Array {
  if (type === "F32")
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const codec = codecOf(type);
  const nBlocks = values.length / codec.blockSize;
  const out = new Uint8Array(nBlocks * codec.blockBytes);
  // rows are whole blocks, so the tensor is one run of blocks
  codec.quantizeRef(out, 0, values, 0, nBlocks);
  return out;
}

/** A ggml tensor's `count` values as float32 (the dequantized values for a quantized type). */
export function decodeTensor(type: string, bytes: Uint8Array, count: number): Float32Array {
  if (type === "F32") return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count * 4));
  const codec = codecOf(type);
  const out = new Float32Array(count);
  codec.dequantize(out, 0, bytes, 0, count / codec.blockSize);
  return out;
}

// Encoding and decoding whole tensors by ggml type name for the presets, over the one codec table in
// src/formats/ggml-codecs.ts. F32 is no codec: its bytes are the values.
import type {Codec} from "../../formats/codec.ts";
import {GGML_CODECS} from "../../formats/ggml-codecs.ts";

/** Every ggml type name this project can write. */
export const WRITABLE_TYPES: readonly string[] = ["F32", ...GGML_CODECS.keys()];

function codecOf(type: string): Codec {
  const codec = GGML_CODECS.get(type);
  if (!codec) throw new Error(`invalid ggml type: ${type} (writable: ${WRITABLE_TYPES.join(", ")})`);
  return codec;
}

/**
 * (rows, rowLength) float32 values as a ggml tensor of `type`; rowLength is a multiple of the type's block.
 * importance (rowLength,): ggml_quantize_chunk's imatrix, each row quantized by the type's weighted quantizer;
 * types without one (F32, F16, BF16) ignore it, as ggml does.
 */
export function encodeTensor(type: string, values: Float32Array, importance?: Float32Array): Uint8Array {
  if (type === "F32")
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const codec = codecOf(type);
  const nBlocks = values.length / codec.blockSize;
  const out = new Uint8Array(nBlocks * codec.blockBytes);
  if (importance && codec.quantizeWeighted) {
    const rowLength = importance.length;
    const perRow = rowLength / codec.blockSize;
    for (let r = 0; r < values.length / rowLength; r++)
      codec.quantizeWeighted(out, r * perRow * codec.blockBytes, values, r * rowLength, perRow, importance);
    return out;
  }
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

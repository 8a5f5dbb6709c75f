// A llama GGUF file's tensors as stored: after readLlamaModel's checks, every tensor the model uses read by its own
// range (one read per tensor, never the whole file), kept in the file's own types so that a weight mode can use the
// packed blocks. Decoding to float32 is the caller's choice (src/formats/ggml-codecs.ts decodes every type here).
import {GgufError} from "./errors.ts";
import type {LlamaModelFile} from "./llama.ts";
import {readTensorBytes, type GgufFile, type GgufTensorInfo, type ReadGgufOptions} from "./read.ts";
import type {ByteSource} from "./source.ts";

export interface StoredTensor {
  readonly info: GgufTensorInfo;
  /** the tensor's bytes in its ggml type (a view when the source is in memory) */
  readonly bytes: Uint8Array;
}

export interface LlamaTensorBytes extends LlamaModelFile {
  /** every tensor the model uses, by name */
  readonly stored: ReadonlyMap<string, StoredTensor>;
}

/**
 * The llama model of `gguf` (readLlamaModel's result, checked once by the caller) with each tensor's bytes;
 * `decodable` lists the ggml types the caller can decode.
 */
export async function readLlamaTensors(
  source: ByteSource,
  gguf: GgufFile,
  model: LlamaModelFile,
  decodable: readonly string[],
  options: ReadGgufOptions = {}
): Promise<LlamaTensorBytes> {
  const {tensors} = model;
  const infos = [tensors.tokenEmbd, tensors.outputNorm, tensors.output, ...tensors.layers.flatMap(Object.values)];
  if (tensors.ropeFreqs) infos.push(tensors.ropeFreqs);
  const stored = new Map<string, StoredTensor>();
  for (const info of infos as GgufTensorInfo[]) {
    if (stored.has(info.name)) continue;
    if (!decodable.includes(info.type.name))
      throw new GgufError(
        gguf.file,
        info.infoOffset,
        `tensor "${info.name}"`,
        `has type ${info.type.name}, which this engine cannot decode (it decodes ${decodable.join(", ")})`
      );
    stored.set(info.name, {info, bytes: await readTensorBytes(source, info, options)});
  }
  return {...model, stored};
}

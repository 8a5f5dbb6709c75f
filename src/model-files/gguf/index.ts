// GGUF files (llama.cpp's model format), read by ranges:
//
//   const source = await openFileSource("model.gguf");      // Node (./source.node.ts); browser: blobSource(file)
//   const gguf = await readGguf(source);                      // header, metadata, tensor infos; no tensor data
//   gguf.metadata.getString("general.architecture");          // typed accessors throw naming the key and offset
//   gguf.metadata.getStringArray("tokenizer.ggml.tokens");
//   for (const t of gguf.tensors) t.name, t.type.name, t.shape, t.size, t.fileOffset;
//   const bytes = await readTensorBytes(source, gguf.tensor("token_embd.weight")!);   // one tensor, as stored
//
// A vocabulary-only file (no tensors) reads the same way. Every problem is a GgufError (file, offset, subject).
export {readGguf, readTensorBytes, DEFAULT_ALIGNMENT, MAX_DIMS} from "./read.ts";
export type {GgufFile, GgufTensorInfo, ReadGgufOptions} from "./read.ts";
export {GgufMetadata, GGUF_VALUE_TYPES} from "./metadata.ts";
export type {GgufArray, GgufEntry, GgufNumericArray, GgufValue, GgufValueType} from "./metadata.ts";
export {GgufError} from "./errors.ts";
export {GGML_TYPES, ggmlTypeById, ggmlTypeByName} from "./ggml-types.ts";
export type {GgmlType} from "./ggml-types.ts";
export {bytesSource, blobSource} from "./source.ts";
export type {ByteSource} from "./source.ts";
export type {AllocationWatch} from "./budget.ts";
export {readLlamaModel} from "./llama.ts";
export type {LlamaHyperparameters, LlamaLayerTensors, LlamaModelFile, LlamaTensors} from "./llama.ts";
export {encodeGguf, ggufBytes, ggufParts} from "./write.ts";
export type {GgufLazyOut, GgufLazyTensor, GgufOut, GgufOutEntry, GgufOutTensor} from "./write.ts";
export {readLlamaTensors} from "./tensors.ts";
export type {LlamaTensorBytes, StoredTensor} from "./tensors.ts";

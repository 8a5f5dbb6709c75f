// Loading a model and its tokenizer from bytes, a File/Blob or a URL. The header is read and checked (dims, exact
// file size, memory budget) before the rest of the file is read or anything large is allocated.
import {checkMemory, DEFAULT_MAX_BYTES} from "./config.ts";
import {HEADER_BYTES, readCheckpoint, readCheckpointHeader, type CheckpointOptions} from "./checkpoint.ts";
import type {Config} from "./model.ts";
import {readTokenizer, type Tokenizer} from "../tokenizers/llama2c.ts";
import {createTransformer, type Transformer, type TransformerOptions} from "./transformer.ts";

export interface LoadedModel {
  model: Transformer;
  tokenizer: Tokenizer;
}

export interface LoadOptions extends CheckpointOptions, TransformerOptions {
  /** called as bytes arrive: loaded and total bytes (total 0 when unknown) */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export type Bytes = ArrayBuffer | Uint8Array;
export type ModelSource = Bytes | Blob | URL | string;

const asBytes = (b: Bytes) => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** A model and tokenizer from bytes already in memory. */
export function loadModelFromBytes(checkpoint: Bytes, tokenizer: Bytes, options: LoadOptions = {}): LoadedModel {
  const {config, weights} = readCheckpoint(asBytes(checkpoint), options);
  return {
    model: createTransformer(config, weights, options),
    tokenizer: readTokenizer(asBytes(tokenizer), config.vocabSize)
  };
}

/** A model and tokenizer from bytes, a Blob/File, or a URL (string or URL), with progress for the checkpoint. */
export async function loadModel(checkpoint: ModelSource, tokenizer: ModelSource, options: LoadOptions = {}) {
  const {maxBytes = DEFAULT_MAX_BYTES, onProgress, signal} = options;
  const check = (header: Uint8Array, total: number | undefined) => {
    const config: Config = readCheckpointHeader(header, total);
    checkMemory(config, maxBytes);
  };
  const checkpointBytes = await readSource(checkpoint, {check, onProgress, signal, what: "checkpoint"});
  const tokenizerBytes = await readSource(tokenizer, {signal, what: "tokenizer"});
  return loadModelFromBytes(checkpointBytes, tokenizerBytes, options);
}

interface ReadOptions {
  /** validates the first HEADER_BYTES bytes and the total size (when known) before the rest is read */
  check?: (header: Uint8Array, total: number | undefined) => void;
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  what: string;
}

/** The bytes of a source; streams Blobs and URLs so `check` runs on the header before the whole file is read. */
export async function readSource(source: ModelSource, options: ReadOptions): Promise<Uint8Array> {
  const {check, onProgress, signal, what} = options;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    const bytes = asBytes(source);
    check?.(bytes.subarray(0, HEADER_BYTES), bytes.byteLength);
    onProgress?.(bytes.byteLength, bytes.byteLength);
    return bytes;
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    check?.(new Uint8Array(await source.slice(0, HEADER_BYTES).arrayBuffer()), source.size);
    return readStream(source.stream(), source.size, {onProgress, signal, what});
  }
  const url = String(source);
  let response: Response;
  try {
    response = await fetch(url, {signal});
  } catch (error) {
    throw new Error(`cannot fetch ${what} ${url}: ${(error as Error).message}; check the URL`, {cause: error});
  }
  if (!response.ok || !response.body)
    throw new Error(`cannot fetch ${what} ${url}: HTTP ${response.status}; check the URL`);
  const length = Number(response.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  return readStream(response.body, total, {check, onProgress, signal, what});
}

async function readStream(
  stream: ReadableStream<Uint8Array>,
  total: number | undefined,
  {check, onProgress, signal, what}: ReadOptions
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let checked = !check;
  try {
    while (true) {
      signal?.throwIfAborted();
      const {done, value} = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (total !== undefined && loaded > total)
        throw new Error(`${what} is longer than its announced size of ${total} bytes; the download is corrupt`);
      if (!checked && loaded >= HEADER_BYTES) {
        check!(concat(chunks, loaded).subarray(0, HEADER_BYTES), total);
        checked = true;
      }
      onProgress?.(loaded, total ?? 0);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = concat(chunks, loaded);
  if (!checked) check!(bytes, loaded);
  return bytes;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  chunks.splice(0, chunks.length, out);
  return out;
}

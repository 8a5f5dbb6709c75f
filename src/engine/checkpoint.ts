// llama2.c legacy checkpoints: a 7 × int32 header `dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
// seq_len` (vocab_size < 0: unshared classifier), then float32 tensors in weightShapes order, with the unused RoPE
// tables freq_cis_real/imag (S, headSize/2) each between rms_final and wcls. Little-endian.
import {checkMemory, DEFAULT_MAX_BYTES, toConfig} from "./config.ts";
import {
  defaultAlloc,
  weightsFloats,
  weightsFromBuffer,
  weightShapes,
  type Alloc,
  type Config,
  type Weights
} from "./model.ts";

export const HEADER_BYTES = 28;
/** llama2.c's newer export versions start with this magic ("ak42") instead of a legacy header */
const VERSIONED_MAGIC = 0x616b3432;

/** Bytes of the unused RoPE tables stored after rms_final. */
const freqCisFloats = (c: Config) => c.seqLen * c.headSize;

/** Exact size in bytes of a legacy checkpoint for this config. */
export function checkpointBytes(c: Config): number {
  return HEADER_BYTES + 4 * (weightsFloats(c) + freqCisFloats(c));
}

/** Reads and validates the header; with the file's total size, also checks it is exactly the size the header implies. */
export function readCheckpointHeader(header: Uint8Array, totalBytes?: number): Config {
  if (header.byteLength < HEADER_BYTES)
    throw new Error(
      `checkpoint is too short: ${header.byteLength} bytes, a llama2.c header alone is ${HEADER_BYTES}; the file is empty or truncated`
    );
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES);
  if (view.getUint32(0, true) === VERSIONED_MAGIC)
    throw new Error(
      "checkpoint is a versioned llama2.c export (magic ak42); only the legacy format is supported: export it with `python export.py --version 0`"
    );
  const h = Array.from({length: 7}, (_, i) => view.getInt32(4 * i, true));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = h as [
    number,
    number,
    number,
    number,
    number,
    number,
    number
  ];
  const config = toConfig({
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize: Math.abs(vocab),
    seqLen,
    sharedClassifier: vocab > 0
  });
  if (totalBytes !== undefined) {
    const expected = checkpointBytes(config);
    if (totalBytes < expected)
      throw new Error(
        `checkpoint is truncated: the header (dim ${dim}, ${nLayers} layers, vocab ${vocab}) needs ${expected} bytes but the file has ${totalBytes}; download or export it again`
      );
    if (totalBytes > expected)
      throw new Error(
        `checkpoint has ${totalBytes - expected} bytes more than its header (dim ${dim}, ${nLayers} layers, vocab ${vocab}) implies (${expected}); it is not a llama2.c legacy checkpoint or the header is wrong`
      );
  }
  return config;
}

export interface CheckpointOptions {
  alloc?: Alloc;
  /** refuse models needing more memory than this (bytes); default 2 GiB */
  maxBytes?: number;
}

/** Parses a whole legacy checkpoint into a Config and Weights (copied into one allocation from `alloc`). */
export function readCheckpoint(bytes: Uint8Array, options: CheckpointOptions = {}): {config: Config; weights: Weights} {
  const {alloc = defaultAlloc, maxBytes = DEFAULT_MAX_BYTES} = options;
  const config = readCheckpointHeader(bytes, bytes.byteLength);
  checkMemory(config, maxBytes);
  const flat = alloc(weightsFloats(config));
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const floats = new Float32Array(
    aligned.buffer,
    aligned.byteOffset + HEADER_BYTES,
    (bytes.byteLength - HEADER_BYTES) / 4
  );
  const beforeFreqCis = weightsFloats(config) - (config.sharedClassifier ? 0 : config.vocabSize * config.dim);
  flat.set(floats.subarray(0, beforeFreqCis));
  if (!config.sharedClassifier) flat.set(floats.subarray(beforeFreqCis + freqCisFloats(config)), beforeFreqCis);
  checkFinite(config, flat);
  return {config, weights: weightsFromBuffer(config, flat)};
}

/** Throws at the first NaN or infinite weight, naming the tensor, layer and index. */
export function checkFinite(config: Config, flat: Float32Array): void {
  let offset = 0;
  for (const [name, shape] of weightShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) {
      const value = flat[offset + i]!;
      if (Number.isFinite(value)) continue;
      const perLayer = shape.length === 3 ? n / shape[0]! : n;
      const where = shape.length === 3 ? `layer ${Math.floor(i / perLayer)}, index ${i % perLayer}` : `index ${i}`;
      throw new Error(`weight ${name} (${where}) is ${value}; the checkpoint is corrupt: export or download it again`);
    }
    offset += n;
  }
}

/** Serializes Config + Weights as a legacy checkpoint (RoPE tables written as zeros, which run.c ignores). */
export function writeCheckpoint(config: Config, weights: Weights): Uint8Array {
  const out = new Uint8Array(checkpointBytes(config));
  const view = new DataView(out.buffer);
  const {dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, sharedClassifier} = config;
  [dim, hiddenDim, nLayers, nHeads, nKvHeads, sharedClassifier ? vocabSize : -vocabSize, seqLen].forEach((v, i) =>
    view.setInt32(4 * i, v, true)
  );
  const floats = new Float32Array(out.buffer, HEADER_BYTES);
  let offset = 0;
  for (const [name] of weightShapes(config)) {
    if (name === "wcls") offset += freqCisFloats(config);
    floats.set(weights[name], offset);
    offset += weights[name].length;
  }
  return out;
}

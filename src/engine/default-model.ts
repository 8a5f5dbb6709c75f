// The built-in default model: needs no file. It is glassbox-stories, the model `npm run train` reproduces from its seed
// (its card: models/glassbox-stories.card.json), shipped inside the code by scripts/embed-model.js and loaded through
// the same path as any other llama2.c checkpoint + tokenizer.bin.
// Shape: dim 64, hidden 192, 4 layers, 4 heads of 16, 2 KV heads (GQA), seq_len 256, vocab 768 (byte-level BPE trained
// on the project's own story corpus), shared classifier. Every matrix row length (64 or 192) is a multiple of 64, so
// every quantization block size applies to every matrix.
//
// Also here: a seeded synthetic model of any shape (`seededCheckpoint`, SEEDED_CONFIG by default) with a byte-level
// tokenizer (vocab 259: 0 <unk>, 1 "\n<s>\n" (BOS), 2 "\n</s>\n" (EOS), then token 3 + b is the single byte b), for
// tests and benchmarks that need a model of a given shape.
import card from "../../models/glassbox-stories.card.json";
import {decodeBase64} from "./base64.ts";
import {HEADER_BYTES, readCheckpointHeader, writeCheckpoint} from "./checkpoint.ts";
import {toConfig} from "./config.ts";
import {weightsFloats, weightsFromBuffer, weightShapes, type Config} from "./model.ts";
import {loadModelFromBytes, type LoadedModel, type LoadOptions} from "./load.ts";
import {DEFAULT_CHECKPOINT_BASE64, DEFAULT_TOKENIZER_BASE64} from "./default-model-files.gen.ts";
import {Rng} from "./rng.ts";
import {BYTE_OFFSET, writeTokenizer} from "../tokenizers/llama2c.ts";

/** The synthetic model's default shape: dim 128, hidden 384, 4 layers, 4 heads of 32, 2 KV heads, vocab 259. */
export const SEEDED_CONFIG = toConfig({
  dim: 128,
  hiddenDim: 384,
  nLayers: 4,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize: BYTE_OFFSET + 256,
  seqLen: 256,
  sharedClassifier: true
});

export const SEEDED_SEED = 20240523;

/** Seeded weights of any shape (the default's by default) as a llama2.c legacy checkpoint. */
export function seededCheckpoint(seed = SEEDED_SEED, c: Config = SEEDED_CONFIG): Uint8Array {
  const rng = new Rng(seed);
  const flat = new Float32Array(weightsFloats(c));
  let offset = 0;
  for (const [name, shape] of weightShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = name === "rmsAtt" || name === "rmsFfn" || name === "rmsFinal";
    const scale = Math.sqrt(3 / shape[shape.length - 1]!);
    for (let i = 0; i < n; i++) flat[offset + i] = isNorm ? 1 : (2 * rng.nextF32() - 1) * scale;
    offset += n;
  }
  return writeCheckpoint(c, weightsFromBuffer(c, flat));
}

/** The byte-level tokenizer as tokenizer.bin. */
export function byteTokenizer(): Uint8Array {
  const text = new TextEncoder();
  const pieces = [text.encode("<unk>"), text.encode("\n<s>\n"), text.encode("\n</s>\n")];
  for (let b = 0; b < 256; b++) pieces.push(Uint8Array.of(b));
  return writeTokenizer(pieces, new Float32Array(pieces.length));
}

let defaultFiles: {checkpoint: Uint8Array; tokenizer: Uint8Array} | null = null;

/** The default model's checkpoint and tokenizer.bin bytes (decoded once; callers must not modify them). */
export const DEFAULT_MODEL_FILES = (): {checkpoint: Uint8Array; tokenizer: Uint8Array} =>
  (defaultFiles ??= {
    checkpoint: decodeBase64(DEFAULT_CHECKPOINT_BASE64),
    tokenizer: decodeBase64(DEFAULT_TOKENIZER_BASE64)
  });

/** The default model's card: seed, config, corpus, tokenizer, sha256, validation loss and measured properties. */
export const DEFAULT_MODEL_CARD = card;

export const DEFAULT_CONFIG: Config = readCheckpointHeader(DEFAULT_MODEL_FILES().checkpoint.subarray(0, HEADER_BYTES));

/** The seed the default model was trained from. */
export const DEFAULT_SEED: number = card.seed;

export function loadDefaultModel(options: LoadOptions = {}): LoadedModel {
  const {checkpoint, tokenizer} = DEFAULT_MODEL_FILES();
  return loadModelFromBytes(checkpoint, tokenizer, options);
}

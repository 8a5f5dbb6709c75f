// The built-in default model: needs no file. It is an ordinary llama2.c checkpoint + tokenizer.bin, made in memory
// and loaded through the same path as any other file, so a trained default replaces it by changing
// DEFAULT_MODEL_FILES alone.
//
// Shape: dim 128, hidden 384, 4 layers, 4 heads of 32, 2 KV heads (GQA), seq_len 256, shared classifier. Every
// matrix row length (128 or 384) is a multiple of 64, so every quantization block size applies to every matrix.
// Weights: seeded uniform, scale sqrt(3/n) for a matrix with rows of n (unit variance through each layer), norms 1.
//
// Tokenizer (byte level, vocab 259): 0 <unk>, 1 "\n<s>\n" (BOS), 2 "\n</s>\n" (EOS), then token 3 + b is the single
// byte b for b = 0..255. No merges, so encode(text) = BOS, " " (the dummy prefix, token 35), then each UTF-8 byte + 3.
import {writeCheckpoint} from "./checkpoint.ts";
import {toConfig} from "./config.ts";
import {weightsFloats, weightsFromBuffer, weightShapes, type Config} from "./model.ts";
import {loadModelFromBytes, type LoadedModel, type LoadOptions} from "./load.ts";
import {Rng} from "./rng.ts";
import {BYTE_OFFSET, writeTokenizer} from "./tokenizer.ts";

export const DEFAULT_CONFIG = toConfig({
  dim: 128,
  hiddenDim: 384,
  nLayers: 4,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize: BYTE_OFFSET + 256,
  seqLen: 256,
  sharedClassifier: true
});

export const DEFAULT_SEED = 20240523;

/** Seeded weights of any shape (the default's by default) as a llama2.c legacy checkpoint. */
export function seededCheckpoint(seed = DEFAULT_SEED, c: Config = DEFAULT_CONFIG): Uint8Array {
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

/** Where the default model's bytes come from; point this at a trained checkpoint to replace the seeded one. */
export const DEFAULT_MODEL_FILES = (): {checkpoint: Uint8Array; tokenizer: Uint8Array} => ({
  checkpoint: seededCheckpoint(),
  tokenizer: byteTokenizer()
});

export function loadDefaultModel(options: LoadOptions = {}): LoadedModel {
  const {checkpoint, tokenizer} = DEFAULT_MODEL_FILES();
  return loadModelFromBytes(checkpoint, tokenizer, options);
}

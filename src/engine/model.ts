// The engine state, split three ways like llama2.c: Config (the blueprint), Weights (read-only), RunState (the
// mutable "wave" of activations plus the KV cache). Every large buffer comes from an `Alloc`, so a caller can place
// them in WebAssembly memory, and the float counts are pure functions of the Config so memory can be checked first.
// D = dim, KV = kv_dim, H = hidden_dim, L = n_layers, V = vocab_size, S = seq_len, NH = n_heads, B = batch rows
import type {RopeStyle} from "./ops/rope.ts";

export interface Config {
  /** model width D */
  dim: number;
  /** SwiGLU hidden width H */
  hiddenDim: number;
  /** transformer blocks L */
  nLayers: number;
  /** query heads NH */
  nHeads: number;
  /** key/value heads (grouped-query attention when < nHeads) */
  nKvHeads: number;
  /** tokens V */
  vocabSize: number;
  /** longest sequence S (size of the KV cache and RoPE tables) */
  seqLen: number;
  /** classifier shares the token embedding (llama2.c: vocab_size > 0 in the header) */
  sharedClassifier: boolean;
  /** D / NH */
  headSize: number;
  /** nKvHeads * headSize */
  kvDim: number;
  /** RMSNorm epsilon (default 1e-5, llama2.c's; GGUF: llama.attention.layer_norm_rms_epsilon) */
  normEps?: number;
  /**
   * RoPE base (GGUF: llama.rope.freq_base). Set, the RoPE tables are ggml's (a running float32 product of
   * freq_base^(-2/headSize), divided by Weights.ropeFreqs); unset, llama2.c's with base 10000.
   */
  ropeTheta?: number;
  /** how RoPE pairs values (default interleaved, llama2.c's and GGUF llama's; neox for qwen2 and Hugging Face) */
  ropeStyle?: RopeStyle;
}

/** Allocates a zeroed Float32Array of `floats` elements (default `new Float32Array`). */
export type Alloc = (floats: number) => Float32Array;
export const defaultAlloc: Alloc = (floats) => new Float32Array(floats);

export interface Weights {
  readonly tokEmbeddings: Float32Array; // (V, D)
  readonly rmsAtt: Float32Array; // (L, D)
  readonly wq: Float32Array; // (L, D, D)
  readonly wk: Float32Array; // (L, KV, D)
  readonly wv: Float32Array; // (L, KV, D)
  readonly wo: Float32Array; // (L, D, D)
  readonly rmsFfn: Float32Array; // (L, D)
  readonly w1: Float32Array; // (L, H, D) gate
  readonly w2: Float32Array; // (L, D, H) down
  readonly w3: Float32Array; // (L, H, D) up
  readonly rmsFinal: Float32Array; // (D,)
  readonly wcls: Float32Array; // (V, D); the same array as tokEmbeddings when the classifier is shared
  readonly ropeFreqs?: Float32Array; // (headSize/2,) Llama 3's RoPE frequency factors (GGUF rope_freqs), or none
  readonly biases?: AttentionBiases; // Qwen2's q/k/v projection biases, or none
}

/** Biases added to the q, k and v projections before RoPE and the KV cache (Qwen2; llama models have none). */
export interface AttentionBiases {
  readonly bq: Float32Array; // (L, D)
  readonly bk: Float32Array; // (L, KV)
  readonly bv: Float32Array; // (L, KV)
}

/** Floats held by AttentionBiases. */
export function biasFloats(c: Config): number {
  return c.nLayers * (c.dim + 2 * c.kvDim);
}

/** The tensors every model has (ropeFreqs and biases are optional and not in llama2.c files). */
export type WeightName = Exclude<keyof Weights, "ropeFreqs" | "biases">;

/** The weight tensors in llama2.c file order with their shapes, the one table loaders and size functions share. */
export function weightShapes(c: Config): [WeightName, number[]][] {
  const {dim: D, hiddenDim: H, nLayers: L, vocabSize: V, kvDim: KV} = c;
  return [
    ["tokEmbeddings", [V, D]],
    ["rmsAtt", [L, D]],
    ["wq", [L, D, D]],
    ["wk", [L, KV, D]],
    ["wv", [L, KV, D]],
    ["wo", [L, D, D]],
    ["rmsFfn", [L, D]],
    ["w1", [L, H, D]],
    ["w2", [L, D, H]],
    ["w3", [L, H, D]],
    ["rmsFinal", [D]],
    ...(c.sharedClassifier ? [] : [["wcls", [V, D]] as [WeightName, number[]]])
  ];
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Floats held by Weights (one allocation); `empty` fields hold none (matrices a GGUF model keeps packed). */
export function weightsFloats(c: Config, empty: ReadonlySet<WeightName> = new Set()): number {
  return weightShapes(c).reduce((sum, [name, shape]) => sum + (empty.has(name) ? 0 : product(shape)), 0);
}

/** Views every tensor of one flat buffer laid out in weightShapes order; `empty` fields are zero-length views. */
export function weightsFromBuffer(c: Config, flat: Float32Array, empty: ReadonlySet<WeightName> = new Set()): Weights {
  const w: Partial<Record<WeightName, Float32Array>> = {};
  let offset = 0;
  for (const [name, shape] of weightShapes(c)) {
    const n = empty.has(name) ? 0 : product(shape);
    w[name] = flat.subarray(offset, offset + n);
    offset += n;
  }
  if (c.sharedClassifier) w.wcls = w.tokEmbeddings;
  return w as Weights;
}

export interface RunState {
  /** rows the activation buffers hold: 1 for decode, T for a prefill of T tokens (grows on demand) */
  rows: number;
  x: Float32Array; // (B, D) residual stream
  xb: Float32Array; // (B, D) normed input / attention output z / mlp output
  xb2: Float32Array; // (B, D) attention output after wo
  hb: Float32Array; // (B, H) gate, then SwiGLU output
  hb2: Float32Array; // (B, H) up
  q: Float32Array; // (B, D)
  k: Float32Array; // (B, KV)
  v: Float32Array; // (B, KV)
  att: Float32Array; // (NH, B, S) scores then pattern, laid out (NH, B, kLen) contiguous for the current step
  scale: Float32Array; // (B,) RMSNorm scale sqrt(mean(x²) + eps) of the last norm
  logits: Float32Array; // (B, V)
  keyCache: Float32Array; // (L, S, KV)
  valueCache: Float32Array; // (L, S, KV)
}

function activationShapes(c: Config, rows: number): [keyof RunState, number][] {
  const {dim: D, hiddenDim: H, kvDim: KV, nHeads: NH, seqLen: S, vocabSize: V} = c;
  return [
    ["x", rows * D],
    ["xb", rows * D],
    ["xb2", rows * D],
    ["hb", rows * H],
    ["hb2", rows * H],
    ["q", rows * D],
    ["k", rows * KV],
    ["v", rows * KV],
    ["att", NH * rows * S],
    ["scale", rows],
    ["logits", rows * V]
  ];
}

/** Floats held by the activation buffers for `rows` rows (without the KV cache). */
export function activationFloats(c: Config, rows = 1): number {
  return activationShapes(c, rows).reduce((sum, [, n]) => sum + n, 0);
}

/** Floats held by the KV cache. */
export function kvCacheFloats(c: Config): number {
  return 2 * c.nLayers * c.seqLen * c.kvDim;
}

/** Floats held by a RunState with `rows` activation rows, KV cache included. */
export function runStateFloats(c: Config, rows = 1): number {
  return activationFloats(c, rows) + kvCacheFloats(c);
}

export function createRunState(c: Config, alloc: Alloc = defaultAlloc, rows = 1): RunState {
  const s: Partial<RunState> = {rows};
  for (const [name, n] of activationShapes(c, rows)) (s as Record<string, Float32Array>)[name] = alloc(n);
  s.keyCache = alloc(c.nLayers * c.seqLen * c.kvDim);
  s.valueCache = alloc(c.nLayers * c.seqLen * c.kvDim);
  return s as RunState;
}

/** Grows the activation buffers to hold `rows` rows; the KV cache is kept. */
export function ensureRows(s: RunState, c: Config, rows: number, alloc: Alloc = defaultAlloc): void {
  if (rows <= s.rows) return;
  for (const [name, n] of activationShapes(c, rows)) (s as unknown as Record<string, Float32Array>)[name] = alloc(n);
  s.rows = rows;
}

// What a GGUF file says about a llama-architecture model, checked the way llama.cpp's loader checks it
// (src/llama-model.cpp, LLM_ARCH_LLAMA and LLM_ARCH_QWEN2, c392e5094): the hyperparameters from `<arch>.*` keys with
// llama.cpp's defaults (qwen2 is llama's layout plus q/k/v biases, run with NeoX RoPE),
// and every tensor the architecture needs, present, with the shape the hyperparameters imply (ggml `ne` order:
// ne[0] is the row length, so a matrix mapping n inputs to d outputs is [n, d]). Only run-time checks live here:
// a vocabulary-only file never comes this way. Anything else — another architecture, a mixture of experts, RoPE
// scaling, per-layer head counts, an extra or missing tensor — is refused with a GgufError that names it.
import {ggufTensorName, type LayerMatrix} from "../matrix-names.ts";
import {GgufError} from "./errors.ts";
import type {GgufFile, GgufTensorInfo} from "./read.ts";

/** general.architecture values that run here */
export const LLAMA_ARCHITECTURES = ["llama", "qwen2"] as const;
export type LlamaArchitecture = (typeof LLAMA_ARCHITECTURES)[number];

export interface LlamaHyperparameters {
  /** general.architecture: llama (interleaved RoPE) or qwen2 (NeoX RoPE, q/k/v biases) */
  architecture: LlamaArchitecture;
  /** D: llama.embedding_length */
  dim: number;
  /** H: llama.feed_forward_length */
  hiddenDim: number;
  /** L: llama.block_count */
  nLayers: number;
  /** NH: llama.attention.head_count */
  nHeads: number;
  /** llama.attention.head_count_kv (default: head_count) */
  nKvHeads: number;
  /** V: the tokenizer's token count, else token_embd's rows */
  vocabSize: number;
  /** D / NH */
  headSize: number;
  /** llama.context_length: what the model was trained for (the KV cache is sized by the run, not by this) */
  contextLength: number;
  /** llama.rope.freq_base (default 10000) */
  ropeTheta: number;
  /** llama.attention.layer_norm_rms_epsilon */
  rmsEps: number;
  /** no output.weight: the classifier is token_embd */
  tiedOutput: boolean;
}

export interface LlamaLayerTensors {
  attnNorm: GgufTensorInfo;
  attnQ: GgufTensorInfo;
  attnK: GgufTensorInfo;
  attnV: GgufTensorInfo;
  attnOutput: GgufTensorInfo;
  ffnNorm: GgufTensorInfo;
  ffnGate: GgufTensorInfo;
  ffnUp: GgufTensorInfo;
  ffnDown: GgufTensorInfo;
  /** qwen2's projection biases */
  attnQBias?: GgufTensorInfo;
  attnKBias?: GgufTensorInfo;
  attnVBias?: GgufTensorInfo;
}

export interface LlamaTensors {
  tokenEmbd: GgufTensorInfo;
  outputNorm: GgufTensorInfo;
  /** the classifier: output.weight, or token_embd.weight when the file has none */
  output: GgufTensorInfo;
  /** Llama 3's RoPE frequency factors (head_size/2), or null */
  ropeFreqs: GgufTensorInfo | null;
  layers: LlamaLayerTensors[];
}

export interface LlamaModelFile {
  params: LlamaHyperparameters;
  tensors: LlamaTensors;
}

type LayerBias = "attnQBias" | "attnKBias" | "attnVBias";
type LayerWeight = Exclude<keyof LlamaLayerTensors, LayerBias>;

/** Each block's tensors: blk.<i>.<suffix>.weight, the norms besides the matrices of the one vocabulary. */
const LAYER_TENSORS: [LayerWeight, LayerMatrix | "attn_norm" | "ffn_norm"][] = [
  ["attnNorm", "attn_norm"],
  ["attnQ", "attn_q"],
  ["attnK", "attn_k"],
  ["attnV", "attn_v"],
  ["attnOutput", "attn_output"],
  ["ffnNorm", "ffn_norm"],
  ["ffnGate", "ffn_gate"],
  ["ffnUp", "ffn_up"],
  ["ffnDown", "ffn_down"]
];

/** The llama model a GGUF file describes, or a GgufError saying why it cannot run. */
export function readLlamaModel(gguf: GgufFile): LlamaModelFile {
  const m = gguf.metadata;
  const refuse = (key: string, problem: string) =>
    new GgufError(gguf.file, m.get(key)?.offset, `key "${key}"`, problem);
  const arch = m.getString("general.architecture") as LlamaArchitecture;
  if (!LLAMA_ARCHITECTURES.includes(arch))
    throw refuse(
      "general.architecture",
      `is "${arch}"; only "llama" (SmolLM2, TinyLlama, Llama 2 and 3 shapes) and "qwen2" (Qwen2, Qwen2.5) models run here${gguf.tensors.length === 0 ? " — and this file has no tensors at all: it is a vocabulary-only file" : ""}`
    );
  const experts = m.get(`${arch}.expert_count`);
  if (experts !== undefined && Number(experts.value) > 0)
    throw refuse(
      `${arch}.expert_count`,
      `is ${experts.value}: a mixture-of-experts model, which this engine does not run`
    );
  for (const key of [`${arch}.rope.scaling.type`, `${arch}.rope.scaling.factor`]) {
    const e = m.get(key);
    if (e !== undefined && !(e.value === "none" || e.value === 1))
      throw refuse(key, `is ${JSON.stringify(e.value)}: RoPE scaling other than Llama 3's rope_freqs is not supported`);
  }

  const dim = m.getU32(`${arch}.embedding_length`);
  const hiddenDim = m.getU32(`${arch}.feed_forward_length`);
  const nLayers = m.getU32(`${arch}.block_count`);
  const nHeads = m.getU32(`${arch}.attention.head_count`);
  const nKvHeads = m.getU32(`${arch}.attention.head_count_kv`, nHeads);
  const positive = {
    embedding_length: dim,
    feed_forward_length: hiddenDim,
    block_count: nLayers,
    "attention.head_count": nHeads,
    "attention.head_count_kv": nKvHeads
  };
  for (const [key, v] of Object.entries(positive)) if (v === 0) throw refuse(`${arch}.${key}`, "is 0");
  if (dim % nHeads !== 0) throw refuse(`${arch}.attention.head_count`, `${nHeads} does not divide the width ${dim}`);
  if (nHeads % nKvHeads !== 0)
    throw refuse(`${arch}.attention.head_count_kv`, `${nKvHeads} does not divide the head count ${nHeads}`);
  const headSize = dim / nHeads;
  if (headSize % 2 !== 0)
    throw refuse(`${arch}.attention.head_count`, `gives an odd head size ${headSize}; RoPE rotates pairs`);
  const ropeDim = m.getU32(`${arch}.rope.dimension_count`, headSize);
  // llama.cpp's llama loader requires it too ("invalid n_rot"): partial rotary embeddings are another architecture
  if (ropeDim !== headSize)
    throw refuse(`${arch}.rope.dimension_count`, `is ${ropeDim}, but a llama model rotates whole heads (${headSize})`);
  const ropeTheta = m.getF32(`${arch}.rope.freq_base`, 10000);
  const rmsEps = m.getF32(`${arch}.attention.layer_norm_rms_epsilon`);
  if (!(ropeTheta > 0)) throw refuse(`${arch}.rope.freq_base`, `is ${ropeTheta}, must be positive`);
  if (!(rmsEps >= 0)) throw refuse(`${arch}.attention.layer_norm_rms_epsilon`, `is ${rmsEps}, must be >= 0`);
  const contextLength = m.getU32(`${arch}.context_length`);

  const used = new Set<string>();
  const tensor = (name: string, shape: number[], what: string): GgufTensorInfo => {
    const t = gguf.tensor(name);
    if (!t)
      throw new GgufError(gguf.file, undefined, `tensor "${name}"`, `is missing; a llama model needs it (${what})`);
    used.add(name);
    const same = t.shape.length === shape.length && t.shape.every((n, i) => n === shape[i]);
    if (!same)
      throw new GgufError(
        gguf.file,
        t.infoOffset,
        `tensor "${name}"`,
        `has shape [${t.shape.join(", ")}] but the metadata implies [${shape.join(", ")}] (${what})`
      );
    return t;
  };
  const tokens = m.get("tokenizer.ggml.tokens");
  const embd = gguf.tensor(ggufTensorName("token_embd"));
  const vocabSize =
    tokens?.type === "array" ? (tokens.value as {values: ArrayLike<unknown>}).values.length : (embd?.shape[1] ?? 0);
  const kvDim = nKvHeads * headSize;
  const vocab = tokens ? `vocabulary ${vocabSize}` : "its rows";
  const tokenEmbd = tensor(ggufTensorName("token_embd"), [dim, vocabSize], `width ${dim}, ${vocab}`);
  const tiedOutput = gguf.tensor(ggufTensorName("output")) === undefined;
  const output = tiedOutput ? tokenEmbd : tensor(ggufTensorName("output"), [dim, vocabSize], `width ${dim}, ${vocab}`);
  const outputNorm = tensor("output_norm.weight", [dim], `width ${dim}`);
  const ropeFreqs = gguf.tensor("rope_freqs.weight")
    ? tensor("rope_freqs.weight", [headSize / 2], `one factor per rotated pair of a ${headSize}-value head`)
    : null;
  const shapes: Record<LayerWeight, [number[], string]> = {
    attnNorm: [[dim], `width ${dim}`],
    attnQ: [[dim, dim], `width ${dim}`],
    attnK: [[dim, kvDim], `${nKvHeads} kv heads of ${headSize}`],
    attnV: [[dim, kvDim], `${nKvHeads} kv heads of ${headSize}`],
    attnOutput: [[dim, dim], `width ${dim}`],
    ffnNorm: [[dim], `width ${dim}`],
    ffnGate: [[dim, hiddenDim], `feed-forward ${hiddenDim}`],
    ffnUp: [[dim, hiddenDim], `feed-forward ${hiddenDim}`],
    ffnDown: [[hiddenDim, dim], `feed-forward ${hiddenDim}`]
  };
  const layers = Array.from({length: nLayers}, (_, l) => {
    const layer = {} as LlamaLayerTensors;
    for (const [field, suffix] of LAYER_TENSORS) {
      const [shape, what] = shapes[field];
      layer[field] = tensor(`blk.${l}.${suffix}.weight`, shape, what);
    }
    if (arch === "qwen2") {
      const biases: [LayerBias, string, number][] = [
        ["attnQBias", "attn_q", dim],
        ["attnKBias", "attn_k", kvDim],
        ["attnVBias", "attn_v", kvDim]
      ];
      for (const [field, suffix, n] of biases)
        layer[field] = tensor(`blk.${l}.${suffix}.bias`, [n], `qwen2's ${suffix} bias, ${n} values`);
    }
    return layer;
  });
  // llama.cpp refuses a file with tensors it did not load ("wrong number of tensors"): so do we, by name
  const extra = gguf.tensors.find((t) => !used.has(t.name));
  if (extra)
    throw new GgufError(
      gguf.file,
      extra.infoOffset,
      `tensor "${extra.name}"`,
      `is not part of a ${arch} model with ${nLayers} layers (a different architecture, or block_count is wrong)`
    );
  return {
    params: {
      architecture: arch,
      dim,
      hiddenDim,
      nLayers,
      nHeads,
      nKvHeads,
      vocabSize,
      headSize,
      contextLength,
      ropeTheta,
      rmsEps,
      tiedOutput
    },
    tensors: {tokenEmbd, outputNorm, output, ropeFreqs, layers}
  };
}

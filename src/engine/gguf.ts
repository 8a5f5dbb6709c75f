// A llama-architecture GGUF file as an engine model: the file's checks (src/model-files/gguf), then Config with the
// file's rms epsilon and RoPE base, and Weights decoded to float32 (src/formats) for the reference path. The file's
// tensors stay available as stored (`model.file`) for weight modes that read blocks; with `packed`, the matrices the
// file stores quantized (or F16/BF16) are not decoded at all: their Weights fields stay empty and the model runs them
// through the provider `matrices` makes (src/quant's weight modes), so it holds about the file's bytes. The KV cache is sized by the context asked
// for (`ctx`), never by llama.context_length alone (Qwen2.5 declares 32768), and memory is checked before any
// tensor is read.
import {DECODABLE_GGML_TYPES, decodeGgmlInto} from "../formats/ggml-codecs.ts";
import {
  readGguf,
  readLlamaModel,
  readLlamaTensors,
  type ByteSource,
  type GgufFile,
  type LlamaHyperparameters,
  type LlamaModelFile,
  type LlamaTensorBytes,
  type ReadGgufOptions
} from "../model-files/gguf/index.ts";
import {ggufTensorName, isLayerMatrix, MATRIX_NAMES, type MatrixName} from "../model-files/matrix-names.ts";
import {checkMemory, DEFAULT_MAX_BYTES, toConfig} from "./config.ts";
import {WEIGHT_FIELD, type FileMatrices} from "./matrices.ts";
import {
  biasFloats,
  defaultAlloc,
  weightsFloats,
  weightsFromBuffer,
  type Alloc,
  type AttentionBiases,
  type Config,
  type WeightName,
  type Weights
} from "./model.ts";
import {createTransformer, type Transformer, type TransformerOptions} from "./transformer.ts";

/** The context when none is asked for: the file's context_length, at most this. */
export const DEFAULT_GGUF_CTX = 2048;

export interface GgufModelOptions extends TransformerOptions, ReadGgufOptions {
  /** positions the KV cache holds (default min(llama.context_length, DEFAULT_GGUF_CTX)) */
  ctx?: number;
  /** memory budget for weights, activations and KV cache (default 2 GiB) */
  maxBytes?: number;
  /**
   * keep the matrices the file stores in a block type (Q4_K, F16, …) packed, not decoded to float32 (default false);
   * needs `matrices`, a provider that reads model.file (src/quant's quantMatrices)
   */
  packed?: boolean;
}

export interface GgufModel {
  model: Transformer;
  gguf: GgufFile;
  /** the file's tensors in their own types, by name */
  file: LlamaTensorBytes;
  /** the file's quantization, e.g. "13 × Q4_K, 3 × Q6_K, 5 × F32" */
  types: string;
}

/** The Config a GGUF llama file describes, with a KV cache of `ctx` positions. */
export function ggufConfig(gguf: GgufFile, ctx?: number): Config {
  return configOf(readLlamaModel(gguf).params, ctx);
}

/** The Config (KV cache of `ctx` positions) and the floats of the tensors Config does not count (biases, rope_freqs). */
export function ggufPlan(gguf: GgufFile, ctx?: number): {config: Config; extraFloats: number} {
  return planOf(readLlamaModel(gguf), ctx);
}

function planOf(llama: LlamaModelFile, ctx?: number): {config: Config; extraFloats: number} {
  const config = configOf(llama.params, ctx);
  const ropeFreqsFloats = llama.tensors.ropeFreqs ? config.headSize / 2 : 0;
  return {config, extraFloats: ropeFreqsFloats + (llama.params.architecture === "qwen2" ? biasFloats(config) : 0)};
}

function configOf(p: LlamaHyperparameters, ctx?: number): Config {
  const seqLen = ctx ?? Math.min(p.contextLength || DEFAULT_GGUF_CTX, DEFAULT_GGUF_CTX);
  if (!Number.isInteger(seqLen) || seqLen <= 0) throw new Error(`invalid ctx: ${seqLen} (must be a positive integer)`);
  const config = toConfig({
    dim: p.dim,
    hiddenDim: p.hiddenDim,
    nLayers: p.nLayers,
    nHeads: p.nHeads,
    nKvHeads: p.nKvHeads,
    vocabSize: p.vocabSize,
    seqLen,
    sharedClassifier: p.tiedOutput
  });
  // llama.cpp runs qwen2 with NeoX RoPE whatever the file says (llama_model_rope_type)
  return {
    ...config,
    normEps: p.rmsEps,
    ropeTheta: p.ropeTheta,
    ropeStyle: p.architecture === "qwen2" ? "neox" : "interleaved"
  };
}

/** Opens a llama GGUF model from a byte source (a path's FileSource in Node, blobSource(file) in a browser). */
export async function loadGgufModel(source: ByteSource, options: GgufModelOptions = {}): Promise<GgufModel> {
  const {ctx, maxBytes = DEFAULT_MAX_BYTES, onAllocate} = options;
  const gguf = await readGguf(source, {onAllocate});
  const llama = readLlamaModel(gguf);
  const {config, extraFloats} = planOf(llama, ctx);
  checkMemory(config, maxBytes, 4 * extraFloats);
  const file = await readLlamaTensors(source, gguf, llama, DECODABLE_GGML_TYPES, {onAllocate});
  const matrices = fileMatrices(file);
  if (options.packed && !options.matrices)
    throw new Error("packed GGUF weights need a matrix provider that reads them (options.matrices)");
  const empty = options.packed ? packedFields(config, matrices) : new Set<WeightName>();
  const weights = decodeWeights(config, file, options.alloc, empty);
  const model = createTransformer(config, weights, {...options, file: matrices});
  return {model, gguf, file, types: matrices.summary};
}

/** Each matrix of a loaded GGUF as stored (a tied file's output is its token_embd). */
export function fileMatrices(file: LlamaTensorBytes): FileMatrices {
  return {
    summary: typeSummary(file),
    matrix(name, layer) {
      const t = file.stored.get(name === "output" ? file.tensors.output.name : ggufTensorName(name, layer))!;
      return {type: t.info.type.name, bytes: t.bytes};
    }
  };
}

/**
 * The Weights fields left empty when the model keeps the file's blocks: a matrix whose every layer the file stores in
 * a block type (a field with an F32 layer is decoded whole), and a tied output (it is token_embd).
 */
function packedFields(c: Config, file: FileMatrices): Set<WeightName> {
  const empty = new Set<WeightName>();
  const packedName = (name: MatrixName) => {
    const layers = isLayerMatrix(name) ? c.nLayers : 1;
    for (let l = 0; l < layers; l++) if (file.matrix(name, l).type === "F32") return false;
    return true;
  };
  for (const name of MATRIX_NAMES) {
    if (name === "output" && c.sharedClassifier) continue;
    if (packedName(name)) empty.add(WEIGHT_FIELD[name]);
  }
  return empty;
}

/** Every tensor of the file decoded to float32 but the `empty` fields (see decodeNamedWeights). */
export function decodeWeights(
  c: Config,
  file: LlamaTensorBytes,
  alloc: Alloc = defaultAlloc,
  empty: ReadonlySet<WeightName> = new Set()
): Weights {
  return decodeNamedWeights(
    c,
    (name) => {
      const t = file.stored.get(name);
      return t && {type: t.info.type.name, bytes: t.bytes, count: t.info.count};
    },
    alloc,
    empty
  );
}

/** One tensor as stored: its ggml type name (F32, F16, BF16, Q4_K…), bytes and value count. */
export interface NamedTensor {
  type: string;
  bytes: Uint8Array;
  count: number;
}

/**
 * A model's tensors, looked up by GGUF name (`token_embd.weight`, `blk.0.attn_q.weight`, …; GGUF files and Hugging
 * Face folders both name them so), decoded to float32 into one buffer in the engine's layout (out × in, row-major),
 * with rope_freqs and the q/k/v biases when the model has them; `empty` fields are left zero-length, not decoded.
 */
export function decodeNamedWeights(
  c: Config,
  tensor: (name: string) => NamedTensor | undefined,
  alloc: Alloc = defaultAlloc,
  empty: ReadonlySet<WeightName> = new Set()
): Weights {
  const flat = alloc(weightsFloats(c, empty));
  const w = weightsFromBuffer(c, flat, empty);
  const into = (out: Float32Array, oo: number, name: string) => {
    if (out.length === 0) return; // a field the model keeps packed
    const t = tensor(name);
    if (!t) throw new Error(`tensor ${name} is missing`); // the file readers check this first
    decodeGgmlInto(out, oo, t.type, t.bytes, t.count);
  };
  into(w.tokEmbeddings, 0, "token_embd.weight");
  if (!c.sharedClassifier) into(w.wcls, 0, "output.weight");
  into(w.rmsFinal, 0, "output_norm.weight");
  const {dim: D, kvDim: KV, hiddenDim: H, nLayers: L} = c;
  for (let l = 0; l < L; l++) {
    const blk = (suffix: string) => `blk.${l}.${suffix}`;
    into(w.rmsAtt, l * D, blk("attn_norm.weight"));
    into(w.rmsFfn, l * D, blk("ffn_norm.weight"));
    into(w.wq, l * D * D, blk("attn_q.weight"));
    into(w.wk, l * KV * D, blk("attn_k.weight"));
    into(w.wv, l * KV * D, blk("attn_v.weight"));
    into(w.wo, l * D * D, blk("attn_output.weight"));
    into(w.w1, l * H * D, blk("ffn_gate.weight"));
    into(w.w3, l * H * D, blk("ffn_up.weight"));
    into(w.w2, l * D * H, blk("ffn_down.weight"));
  }
  let biases: AttentionBiases | undefined;
  if (tensor("blk.0.attn_q.bias")) {
    biases = {bq: alloc(L * D), bk: alloc(L * KV), bv: alloc(L * KV)};
    for (let l = 0; l < L; l++) {
      into(biases.bq, l * D, `blk.${l}.attn_q.bias`);
      into(biases.bk, l * KV, `blk.${l}.attn_k.bias`);
      into(biases.bv, l * KV, `blk.${l}.attn_v.bias`);
    }
  }
  let ropeFreqs: Float32Array | undefined;
  if (tensor("rope_freqs.weight")) {
    ropeFreqs = alloc(c.headSize / 2);
    into(ropeFreqs, 0, "rope_freqs.weight");
  }
  return {...w, ...(ropeFreqs && {ropeFreqs}), ...(biases && {biases})};
}

/** "13 × Q4_K, 3 × Q6_K, 5 × F32": the file's tensor types, most frequent first, F32 (the norms, mostly) last. */
export function typeSummary(file: LlamaTensorBytes): string {
  const counts = new Map<string, number>();
  for (const t of file.stored.values()) counts.set(t.info.type.name, (counts.get(t.info.type.name) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => Number(a[0] === "F32") - Number(b[0] === "F32") || b[1] - a[1])
    .map(([type, n]) => `${n} × ${type}`)
    .join(", ");
}

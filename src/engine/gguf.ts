// A llama-architecture GGUF file as an engine model: the file's checks (src/model-files/gguf), then Config with the
// file's rms epsilon and RoPE base, and Weights decoded to float32 (src/formats) for the reference path. The packed
// tensors stay available (`stored`) for weight modes that read blocks. The KV cache is sized by the context asked
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
  type LlamaTensorBytes,
  type ReadGgufOptions
} from "../model-files/gguf/index.ts";
import {checkMemory, DEFAULT_MAX_BYTES, toConfig} from "./config.ts";
import {weightsFloats, weightsFromBuffer, type Config, type Weights} from "./model.ts";
import {createTransformer, type Transformer, type TransformerOptions} from "./transformer.ts";

/** The context when none is asked for: the file's context_length, at most this. */
export const DEFAULT_GGUF_CTX = 2048;

export interface GgufModelOptions extends TransformerOptions, ReadGgufOptions {
  /** positions the KV cache holds (default min(llama.context_length, DEFAULT_GGUF_CTX)) */
  ctx?: number;
  /** memory budget for weights, activations and KV cache (default 2 GiB) */
  maxBytes?: number;
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
  return {...config, normEps: p.rmsEps, ropeTheta: p.ropeTheta};
}

/** Opens a llama GGUF model from a byte source (a path's FileSource in Node, blobSource(file) in a browser). */
export async function loadGgufModel(source: ByteSource, options: GgufModelOptions = {}): Promise<GgufModel> {
  const {ctx, maxBytes = DEFAULT_MAX_BYTES, onAllocate} = options;
  const gguf = await readGguf(source, {onAllocate});
  const llama = readLlamaModel(gguf);
  const config = configOf(llama.params, ctx);
  const ropeFreqsBytes = llama.tensors.ropeFreqs ? 4 * (config.headSize / 2) : 0;
  checkMemory(config, maxBytes, ropeFreqsBytes);
  const file = await readLlamaTensors(source, gguf, llama, DECODABLE_GGML_TYPES, {onAllocate});
  const weights = decodeWeights(config, file);
  const model = createTransformer(config, weights, options);
  return {model, gguf, file, types: typeSummary(file)};
}

/** Every tensor of the file decoded to float32 into one buffer in the engine's layout (out × in, row-major). */
export function decodeWeights(c: Config, file: LlamaTensorBytes): Weights {
  const flat = new Float32Array(weightsFloats(c));
  const w = weightsFromBuffer(c, flat);
  const {tensors, stored} = file;
  const into = (out: Float32Array, oo: number, name: string) => {
    const t = stored.get(name)!;
    decodeGgmlInto(out, oo, t.info.type.name, t.bytes, t.info.count);
  };
  into(w.tokEmbeddings, 0, tensors.tokenEmbd.name);
  if (!c.sharedClassifier) into(w.wcls, 0, tensors.output.name);
  into(w.rmsFinal, 0, tensors.outputNorm.name);
  const {dim: D, kvDim: KV, hiddenDim: H} = c;
  tensors.layers.forEach((layer, l) => {
    into(w.rmsAtt, l * D, layer.attnNorm.name);
    into(w.rmsFfn, l * D, layer.ffnNorm.name);
    into(w.wq, l * D * D, layer.attnQ.name);
    into(w.wk, l * KV * D, layer.attnK.name);
    into(w.wv, l * KV * D, layer.attnV.name);
    into(w.wo, l * D * D, layer.attnOutput.name);
    into(w.w1, l * H * D, layer.ffnGate.name);
    into(w.w3, l * H * D, layer.ffnUp.name);
    into(w.w2, l * D * H, layer.ffnDown.name);
  });
  if (!tensors.ropeFreqs) return w;
  const ropeFreqs = new Float32Array(c.headSize / 2);
  into(ropeFreqs, 0, tensors.ropeFreqs.name);
  return {...w, ropeFreqs};
}

/** "13 × Q4_K, 3 × Q6_K, 5 × F32": the file's tensor types, most frequent first. */
export function typeSummary(file: LlamaTensorBytes): string {
  const counts = new Map<string, number>();
  for (const t of file.stored.values()) counts.set(t.info.type.name, (counts.get(t.info.type.name) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${n} × ${type}`)
    .join(", ");
}

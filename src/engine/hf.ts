// A Hugging Face model folder (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM) as an engine model: the
// folder's checks (src/model-files/hf), then Config with the config's rms epsilon, RoPE base and NeoX RoPE (the
// folder's Q/K rows are in rotate-half order, so nothing is permuted), and Weights decoded to float32. The KV cache is
// sized by the context asked for, and memory is checked before any tensor is read.
import {readHfModel, type HfModelConfig, type HfModelFile, type ModelFolder} from "../model-files/hf/index.ts";
import type {ReadGgufOptions} from "../model-files/gguf/index.ts";
import {checkMemory, DEFAULT_MAX_BYTES, toConfig} from "./config.ts";
import {decodeNamedWeights, DEFAULT_GGUF_CTX} from "./gguf.ts";
import {biasFloats, type Config} from "./model.ts";
import {createTransformer, type Transformer, type TransformerOptions} from "./transformer.ts";

export interface HfModelOptions extends TransformerOptions, ReadGgufOptions {
  /** positions the KV cache holds (default min(max_position_embeddings, DEFAULT_GGUF_CTX)) */
  ctx?: number;
  /** memory budget for weights, activations and KV cache (default 2 GiB) */
  maxBytes?: number;
}

export interface HfModel {
  model: Transformer;
  file: HfModelFile;
  /** the folder's dtypes, e.g. "21 × BF16" */
  types: string;
}

/** The Config a folder's config.json describes, with a KV cache of `ctx` positions. */
export function hfConfig(c: HfModelConfig, ctx?: number): Config {
  const seqLen = ctx ?? Math.min(c.contextLength, DEFAULT_GGUF_CTX);
  if (!Number.isInteger(seqLen) || seqLen <= 0) throw new Error(`invalid ctx: ${seqLen} (must be a positive integer)`);
  if (c.slidingWindow !== null && seqLen > c.slidingWindow)
    throw new Error(
      `invalid ctx: ${seqLen} is longer than the model's sliding window (${c.slidingWindow}), which is not implemented here; use --ctx ${c.slidingWindow} or less`
    );
  const config = toConfig({
    dim: c.dim,
    hiddenDim: c.hiddenDim,
    nLayers: c.nLayers,
    nHeads: c.nHeads,
    nKvHeads: c.nKvHeads,
    vocabSize: c.vocabSize,
    seqLen,
    sharedClassifier: c.tiedOutput
  });
  return {...config, normEps: c.rmsEps, ropeTheta: c.ropeTheta, ropeStyle: "neox"};
}

/** The Config (KV cache of `ctx` positions) and the floats of the tensors Config does not count (biases, rope_freqs). */
export function hfPlan(c: HfModelConfig, ctx?: number): {config: Config; extraFloats: number} {
  const config = hfConfig(c, ctx);
  return {config, extraFloats: (c.ropeFreqs?.length ?? 0) + (c.qkvBias ? biasFloats(config) : 0)};
}

/** Opens a Hugging Face folder (openDirectory(path) in Node; the files a user picked in a browser). */
export async function loadHfModel(folder: ModelFolder, options: HfModelOptions = {}): Promise<HfModel> {
  const {ctx, maxBytes = DEFAULT_MAX_BYTES, onAllocate} = options;
  const file = await readHfModel(folder, {
    onAllocate,
    beforeTensors: (c) => {
      const plan = hfPlan(c, ctx);
      checkMemory(plan.config, maxBytes, 4 * plan.extraFloats);
    }
  });
  const config = hfConfig(file.config, ctx);
  const weights = decodeNamedWeights(config, (name) => file.tensors.get(name), options.alloc);
  const ropeFreqs = file.config.ropeFreqs;
  const model = createTransformer(config, ropeFreqs ? {...weights, ropeFreqs} : weights, options);
  const counts = new Map<string, number>();
  for (const t of file.tensors.values()) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  const types = [...counts].map(([type, n]) => `${n} × ${type}`).join(", ");
  return {model, file, types};
}

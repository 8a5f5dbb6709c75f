// A Hugging Face model folder's config.json, for the architectures that run here: LlamaForCausalLM (and
// MistralForCausalLM, the same layout) and Qwen2ForCausalLM. Defaults are transformers' (LlamaConfig, Qwen2Config);
// anything the engine cannot honour is refused by its key: another architecture, an activation other than SiLU,
// biases on a Llama, an enabled sliding window, a head_dim that is not hidden_size / heads, RoPE scaling other than
// Llama 3's (which becomes rope_freqs as llama.cpp's converter makes them).
import {ModelFileError} from "../errors.ts";

export class HfConfigError extends ModelFileError {
  override readonly name = "HfConfigError";
}

/** config.json architectures -> the family the engine runs it as */
export const HF_ARCHITECTURES: Readonly<Record<string, "llama" | "qwen2">> = {
  LlamaForCausalLM: "llama",
  MistralForCausalLM: "llama",
  Qwen2ForCausalLM: "qwen2"
};

export interface HfModelConfig {
  /** e.g. "LlamaForCausalLM" */
  architecture: string;
  family: "llama" | "qwen2";
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headSize: number;
  vocabSize: number;
  rmsEps: number;
  ropeTheta: number;
  /** Llama 3 RoPE scaling as per-pair frequency factors (headSize/2), or null */
  ropeFreqs: Float32Array | null;
  tiedOutput: boolean;
  /** q/k/v projections carry biases (qwen2) */
  qkvBias: boolean;
  /** max_position_embeddings: what the model was trained for */
  contextLength: number;
  /** Mistral's sliding_window (the context may not exceed it), or null */
  slidingWindow: number | null;
  bosTokenId: number | null;
  eosTokenId: number | null;
}

/** Parses config.json text; `file` names it in errors. */
export function readHfConfig(text: string, file = "config.json"): HfModelConfig {
  const fail = (key: string, problem: string) => new HfConfigError(file, undefined, `key "${key}"`, problem);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HfConfigError(file, undefined, "config", `is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new HfConfigError(file, undefined, "config", "is not a JSON object");
  const c = json as Record<string, unknown>;
  const architectures = c.architectures;
  const architecture = Array.isArray(architectures) ? architectures[0] : undefined;
  if (!Array.isArray(architectures) || architectures.length !== 1 || typeof architecture !== "string")
    throw fail("architectures", `is ${JSON.stringify(architectures)}; expected one name, e.g. ["LlamaForCausalLM"]`);
  const family = HF_ARCHITECTURES[architecture];
  if (!family)
    throw fail(
      "architectures",
      `is ${architecture}; the models that run here are ${Object.keys(HF_ARCHITECTURES).join(", ")}`
    );

  const int = (key: string, fallback?: number, min = 1): number => {
    const v = c[key] ?? fallback;
    if (v === undefined) throw fail(key, "is missing");
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
      throw fail(key, `is ${JSON.stringify(v)}; expected an integer >= ${min}`);
    return v;
  };
  const positive = (key: string, fallback: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v))
      throw fail(key, `is ${JSON.stringify(v)}; expected a positive number`);
    return v;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const v = c[key] ?? fallback;
    if (typeof v !== "boolean") throw fail(key, `is ${JSON.stringify(v)}; expected true or false`);
    return v;
  };
  const optionalId = (key: string): number | null => {
    const v = c[key];
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null;
  };

  const act = c.hidden_act ?? "silu";
  if (act !== "silu") throw fail("hidden_act", `is ${JSON.stringify(act)}; only SiLU (SwiGLU) models run here`);
  if (family === "llama")
    for (const key of ["attention_bias", "mlp_bias"])
      if (flag(key, false)) throw fail(key, "is true; a Llama with biases is not a layout this engine runs");
  if (family === "qwen2" && flag("use_sliding_window", false))
    throw fail("use_sliding_window", "is true; sliding-window attention is not implemented here");
  const window = family === "llama" ? c.sliding_window : null;
  if (window !== undefined && window !== null && (typeof window !== "number" || !Number.isSafeInteger(window)))
    throw fail("sliding_window", `is ${JSON.stringify(window)}; expected an integer or null`);

  const dim = int("hidden_size");
  const nHeads = int("num_attention_heads");
  const nKvHeads = int("num_key_value_heads", nHeads);
  if (dim % nHeads !== 0) throw fail("num_attention_heads", `${nHeads} does not divide hidden_size ${dim}`);
  if (nHeads % nKvHeads !== 0)
    throw fail("num_key_value_heads", `${nKvHeads} does not divide num_attention_heads ${nHeads}`);
  const headSize = int("head_dim", dim / nHeads);
  if (headSize !== dim / nHeads)
    throw fail("head_dim", `is ${headSize}, not hidden_size / num_attention_heads = ${dim / nHeads}; not supported`);
  if (headSize % 2 !== 0) throw fail("head_dim", `is ${headSize}, odd; RoPE rotates pairs`);
  const ropeTheta = positive("rope_theta", 10000);

  return {
    architecture,
    family,
    dim,
    hiddenDim: int("intermediate_size"),
    nLayers: int("num_hidden_layers"),
    nHeads,
    nKvHeads,
    headSize,
    vocabSize: int("vocab_size"),
    rmsEps: positive("rms_norm_eps", 1e-6),
    ropeTheta,
    ropeFreqs: ropeScaling(c.rope_scaling, c.original_max_position_embeddings, ropeTheta, headSize, fail),
    tiedOutput: flag("tie_word_embeddings", false),
    qkvBias: family === "qwen2",
    contextLength: int("max_position_embeddings", 2048),
    slidingWindow: typeof window === "number" ? window : null,
    bosTokenId: optionalId("bos_token_id"),
    eosTokenId: optionalId("eos_token_id")
  };
}

/**
 * rope_scaling: null, or Llama 3's {rope_type: "llama3", factor, low_freq_factor, high_freq_factor,
 * original_max_position_embeddings}, turned into per-pair factors the way llama.cpp's convert_hf_to_gguf.py writes
 * rope_freqs (LlamaModel.generate_extra_tensors): wavelengths shorter than original/high_freq_factor keep 1, longer
 * than original/low_freq_factor get `factor`, and those between are interpolated smoothly.
 */
function ropeScaling(
  scaling: unknown,
  topLevelOriginal: unknown,
  theta: number,
  headSize: number,
  fail: (key: string, problem: string) => Error
): Float32Array | null {
  if (scaling === undefined || scaling === null) return null;
  const s = scaling as Record<string, unknown>;
  const kind = s.rope_type ?? s.type;
  if (kind !== "llama3")
    throw fail(
      "rope_scaling",
      `is ${JSON.stringify(scaling)}; only Llama 3's scaling ("rope_type": "llama3") is implemented`
    );
  const num = (key: string, fallback: number) => {
    const v = s[key] ?? fallback;
    if (typeof v !== "number" || !(v > 0)) throw fail(`rope_scaling.${key}`, `is ${JSON.stringify(v)}`);
    return v;
  };
  const factor = num("factor", 8);
  const low = num("low_freq_factor", 1);
  const high = num("high_freq_factor", 4);
  // the converter reads it at the top level of config.json (default 8192); transformers reads it in rope_scaling
  const original = num(
    "original_max_position_embeddings",
    typeof topLevelOriginal === "number" ? topLevelOriginal : 8192
  );
  const lowWavelen = original / low;
  const highWavelen = original / high;
  const out = new Float32Array(headSize / 2);
  for (let i = 0; i < out.length; i++) {
    // float32 like the converter's torch.arange(0, dim, 2, dtype=float32) / dim
    const freq = Math.fround(1 / Math.fround(Math.pow(theta, Math.fround((2 * i) / headSize))));
    const wavelen = Math.fround((2 * Math.PI) / freq);
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = factor;
    else {
      const smooth = (original / wavelen - low) / (high - low);
      out[i] = 1 / ((1 - smooth) / factor + smooth);
    }
  }
  return out;
}

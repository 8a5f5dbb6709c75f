// Command-line options: each command declares OptionSpecs; one parser turns argv into raw values (unknown flags throw
// `invalid option: --x`), and normalizers (`toModelOptions`) turn raw values into typed options with defaults.
// The options every model-running command shares are MODEL_OPTIONS; add a shared flag there, once.
import {toKernelSet, type KernelSet} from "../kernels/create-model.ts";
import {toKvType, type KvType} from "../engine/kv-cache.ts";
import {toSampler, type SamplerSpec} from "../engine/sampler.ts";
import {toQuantSettings, type QuantSettingsSpec} from "../quant/modes.ts";

export type OptionType = "string" | "int" | "number" | "boolean" | "tokens";

export interface OptionSpec {
  name: string;
  type: OptionType;
  /** value placeholder and help text for --help */
  arg?: string;
  help: string;
}

export type RawOptions = Record<string, string | boolean>;

// The flags every model-running command gains for quantization.
export const QUANT_OPTIONS: OptionSpec[] = [
  {
    name: "quant",
    type: "string",
    arg: "SPEC",
    help: "quantize weights, e.g. q4_0, int4:g32:asym, q4_0,token_embd=q8_0,output=fp32"
  },
  {name: "weights", type: "string", arg: "MODE", help: "get_w mode: fp32 | dequant | cached | fused (default cached)"},
  {
    name: "act",
    type: "string",
    arg: "SPEC",
    help: "activation quantization: fp32 | q8_0 | ggml (a GGUF's own types, rounded as llama.cpp rounds them) (default fp32)"
  }
];

/** The quant settings the flags ask for, validated (throws invalid <name>: <value>), or null when none is given. */
export function quantSettingsFromRaw(raw: RawOptions): QuantSettingsSpec | null {
  const {quant, weights} = raw as Record<string, string | undefined>;
  const act = isGgmlAct(raw) ? undefined : (raw.act as string | undefined);
  if (quant === undefined && weights === undefined && act === undefined) return null;
  const spec = {quant, weights, act};
  toQuantSettings(spec);
  return spec;
}

export const MODEL_OPTIONS: OptionSpec[] = [
  {
    name: "model",
    type: "string",
    arg: "M",
    help: "a GGUF file, a Hugging Face folder or a llama2.c checkpoint (default: the built-in model)"
  },
  {
    name: "tokenizer",
    type: "string",
    arg: "T",
    help: "llama2.c tokenizer.bin (required with a checkpoint) or tokenizer.json (for a folder without one)"
  },
  {
    name: "ctx",
    type: "int",
    arg: "N",
    help: "context: KV-cache positions of a GGUF or Hugging Face model (default min(context_length, 2048)); at most seq_len for the built-in model and checkpoints"
  },
  {name: "prompt", type: "string", arg: "TEXT", help: "text to start from (encoded with BOS)"},
  {name: "tokens", type: "tokens", arg: "1,2,3", help: "token ids to feed exactly (teacher forcing)"},
  {
    name: "steps",
    type: "int",
    arg: "N",
    help:
      "positions to run, the prompt's included (like run.c): a 5-token prompt with --steps 64 is 5 prefill " +
      "positions and 59 decode steps, and prints 60 new tokens (default: the --tokens count, else 256)"
  },
  {name: "temperature", type: "number", arg: "F", help: "0 = greedy (default 1)"},
  {name: "top-p", type: "number", arg: "F", help: "nucleus sampling mass in (0, 1] (default 0.9)"},
  {name: "seed", type: "int", arg: "N", help: "sampling seed, a positive integer (default 42)"},
  {name: "top-k", type: "int", arg: "N", help: "keep the N most likely tokens; 0 = off (default 0)"},
  {name: "min-p", type: "number", arg: "F", help: "drop tokens below F times the best one's probability (default 0)"},
  {name: "repeat-penalty", type: "number", arg: "F", help: "penalize recent tokens' logits by F; 1 = off (default 1)"},
  {name: "repeat-last-n", type: "int", arg: "N", help: "recent tokens the repeat penalty sees (default 64)"},
  {
    name: "kernels",
    type: "string",
    arg: "K",
    help: "wasm (default: WebAssembly SIMD) | ts (the plain TS reference ops)"
  },
  {name: "threads", type: "int", arg: "N", help: "threads for the wasm kernels' large matrix products (default 1)"},
  {
    name: "kv",
    type: "string",
    arg: "TYPE",
    help: "KV-cache type as llama.cpp's -ctk/-ctv: f32 (default) | f16 (K, V, q, probabilities in fp16) | q8_0 (K in Q8_0, V F32)"
  },
  {name: "json", type: "boolean", help: "print one JSON object instead of text"},
  ...QUANT_OPTIONS
];

/**
 * Parses `--name value`, `--name=value` and boolean `--name` against specs. A command that declares a positional
 * option (`serve [dir]`) takes one bare argument as the value of that option (which must be among the specs).
 */
export function parseArgs(argv: string[], specs: OptionSpec[], positional?: string): RawOptions {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const raw: RawOptions = {};
  let bare = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m && positional !== undefined && !bare) {
      if (positional in raw) throw new Error(`invalid option: --${positional} given twice (once as ${arg})`);
      raw[positional] = arg;
      bare = true;
      continue;
    }
    if (!m) throw new Error(`invalid argument: ${arg} (options start with --; see --help)`);
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    const spec = byName.get(name);
    if (!spec) throw new Error(`invalid option: --${name} (see --help)`);
    if (name in raw) throw new Error(`invalid option: --${name} given twice`);
    if (spec.type === "boolean") {
      if (inline !== undefined && inline !== "true" && inline !== "false")
        throw new Error(`invalid ${name}: ${inline}`);
      raw[name] = inline !== "false";
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`invalid ${name}: missing value (--${name} ${spec.arg ?? "VALUE"})`);
    raw[name] = value;
  }
  return raw;
}

export function toInt(raw: RawOptions, name: string, {min = -Infinity} = {}): number | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new Error(`invalid ${name}: ${value}`);
  return n;
}

export function toNumber(raw: RawOptions, name: string): number | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n))
    throw new Error(`invalid ${name}: ${value}`);
  return n;
}

export function toTokenList(raw: RawOptions, name: string): number[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const parts = String(value).split(",");
  if (!parts.every((p) => /^\s*\d+\s*$/.test(p)))
    throw new Error(`invalid ${name}: ${value} (expected ids like 1,2,3)`);
  return parts.map(Number);
}

export interface ModelOptions {
  /** checkpoint path, undefined for the built-in default */
  model?: string;
  tokenizer?: string;
  /** KV-cache positions for GGUF and Hugging Face models */
  ctx?: number;
  prompt?: string;
  tokens?: number[];
  steps?: number;
  temperature: number;
  topP: number;
  seed: number;
  /** the sampler chain, llama.cpp's order (temperature, top-p and seed above are part of it) */
  sampler: SamplerSpec;
  kernels: KernelSet;
  threads: number;
  json: boolean;
  /** --quant / --weights / --act, validated; null when none is given */
  quant: QuantSettingsSpec | null;
  /** --act ggml: every product's input rounded to the GGUF weight type's vec_dot_type, as llama.cpp does */
  ggmlNumerics: boolean;
  /** the KV cache's type (llama.cpp's -ctk/-ctv) */
  kv: KvType;
}

/** --act ggml: llama.cpp's numerics on a GGUF's own tensor types (a model mode, not a quant setting) */
const isGgmlAct = (raw: RawOptions) => typeof raw.act === "string" && raw.act.trim().toLowerCase() === "ggml";

/** Normalizes the shared model options: defaults, ranges, and the combinations that make no sense. */
export function toModelOptions(raw: RawOptions): ModelOptions {
  const model = raw.model as string | undefined;
  const tokenizer = raw.tokenizer as string | undefined;
  // whether --model needs --tokenizer depends on the file (a checkpoint does; a GGUF has its own): load-model.ts
  if (model === undefined && tokenizer !== undefined)
    throw new Error("invalid tokenizer: given without --model (the built-in model has its own tokenizer)");
  const prompt = raw.prompt as string | undefined;
  const tokens = toTokenList(raw, "tokens");
  if (prompt !== undefined && tokens !== undefined)
    throw new Error("invalid prompt: give --prompt or --tokens, not both");
  if (tokens?.length === 0) throw new Error("invalid tokens: empty");
  const temperature = toNumber(raw, "temperature") ?? 1;
  if (temperature < 0) throw new Error(`invalid temperature: ${raw.temperature}`);
  const topP = toNumber(raw, "top-p") ?? 0.9;
  if (!(topP > 0 && topP <= 1)) throw new Error(`invalid top-p: ${raw["top-p"]}`);
  const seed = toInt(raw, "seed", {min: 1}) ?? 42;
  const sampler: SamplerSpec = {
    temperature,
    topP,
    seed,
    topK: toInt(raw, "top-k", {min: 0}),
    minP: toNumber(raw, "min-p"),
    repeatPenalty: toNumber(raw, "repeat-penalty"),
    repeatLastN: toInt(raw, "repeat-last-n", {min: 0})
  };
  toSampler(sampler); // refuses bad values now, naming them
  const ctx = toInt(raw, "ctx", {min: 1});
  return {
    model,
    tokenizer,
    ctx,
    prompt,
    tokens,
    steps: toInt(raw, "steps", {min: 1}),
    temperature,
    topP,
    seed,
    sampler,
    kernels: toKernelSet((raw.kernels as string | undefined) ?? "wasm"),
    threads: toThreads(raw),
    json: raw.json === true,
    quant: quantSettingsFromRaw(raw),
    ggmlNumerics: isGgmlAct(raw),
    kv: toKvType((raw.kv as string | undefined) ?? "f32")
  };
}

/** at most this many threads (the kernels' pool limit) */
const MAX_THREADS = 16;

function toThreads(raw: RawOptions): number {
  const threads = toInt(raw, "threads", {min: 1}) ?? 1;
  if (threads > MAX_THREADS) throw new Error(`invalid threads: ${threads} (1..${MAX_THREADS})`);
  return threads;
}

export function usage(specs: OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.arg ? " " + s.arg : ""}`, s.help]);
  const width = Math.max(...rows.map(([a]) => a!.length));
  return rows.map(([a, h]) => `  ${a!.padEnd(width)}  ${h}`).join("\n");
}

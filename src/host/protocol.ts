// The engine host protocol: the operations a host runs, their arguments, results and streamed events, and the
// messages that carry them between a page and the engine. Everything is structured-clonable data, except where the
// type parameter F admits hook functions: `EngineOps<never>` is what a Worker takes (patch specs only),
// `EngineOps<HookFn>` is what runs where the engine runs (in the page, or in Node).
// T = tokens in a call, V = vocab_size
import type {ActivationCache, Config, HookKey, HookMode, HookName, ModelSource} from "../engine/index.ts";
import type {PatchSpec} from "../engine/index.ts";
import type {ProfileReport, SamplerSpec} from "../engine/index.ts";
import type {MatrixReport, QuantCounters, QuantResidency, QuantSettingsSpec} from "../quant/index.ts";
import type {KernelSet} from "../kernels/index.ts";

/** T only where functions may travel: `never` (absent) when F is never, the Worker's case. */
export type LocalOnly<F, T> = [F] extends [never] ? never : T;

/** Token ids: a number[] or an Int32Array (never moved: the caller keeps its array). */
export type Tokens = ArrayLike<number>;

export interface LoadArgs {
  /** checkpoint bytes (moved to a Worker, not copied), a Blob/File, or a URL; both absent = the built-in model */
  checkpoint?: ModelSource;
  /** tokenizer.bin, as checkpoint */
  tokenizer?: ModelSource;
  /** refuse a model needing more bytes than this (default the engine's, 2 GiB) */
  maxBytes?: number;
  /** "wasm" (default: WebAssembly SIMD kernels, the plain TS ones where SIMD is missing) or "ts" */
  kernels?: KernelSet;
}

export interface LoadProgress {
  loaded: number;
  /** 0 when unknown */
  total: number;
}

export interface ModelInfo {
  config: Config;
  /** "built-in" or "checkpoint" */
  source: string;
  /** weights in the checkpoint */
  parameters: number;
  /** what runs the model, e.g. "wasm-simd128 ×1 thread", and why a request was not met */
  backend: string;
}

export interface TokenizeArgs {
  /** text to encode; or give tokens to decode */
  text?: string;
  tokens?: Tokens;
  /** prepend BOS when encoding (default true) */
  bos?: boolean;
  /** append EOS when encoding (default false) */
  eos?: boolean;
}

export interface Tokenized {
  tokens: Int32Array;
  /** the text each token adds (after the previous one) */
  pieces: string[];
  text: string;
}

export interface RunArgs<F = never> {
  tokens: Tokens;
  /** one prefill of all tokens (default), or one decode step per token */
  mode?: HookMode;
  /** position of the first token (default 0; the KV cache must hold the earlier positions) */
  pos0?: number;
  /** serializable interventions: zero / scale / replace / mean-ablate by hook, layer, head, position */
  patches?: PatchSpec[];
  /** hook functions, run where the engine runs: in-page hosts only */
  hooks?: LocalOnly<F, [HookName, F][]>;
}

export interface Logits {
  /** (T, V) */
  logits: Float32Array;
  shape: [number, number];
}

export interface CacheArgs<F = never> extends RunArgs<F> {
  /** hooks to keep: full names or keys (every layer); a predicate in-page only; default all */
  names?: (HookName | HookKey)[] | LocalOnly<F, (name: HookName) => boolean>;
  /** keep block hooks of these layers only */
  layers?: number[];
  /** refuse to run when the copies would exceed this many bytes (default 256 MiB) */
  maxBytes?: number;
}

export interface CacheResult extends Logits {
  /** name -> one activation per forward call, each {shape, data: Float32Array, pos0} */
  cache: ActivationCache;
}

/** One run of a sweep: its interventions and/or quantization. */
export interface SweepVariant {
  patches?: PatchSpec[];
  /** quantization for this run (the model's own settings are restored after the sweep) */
  quant?: QuantSettingsSpec;
}

export interface SweepArgs {
  tokens: Tokens;
  mode?: HookMode;
  pos0?: number;
  variants: SweepVariant[];
  /** rows of logits to keep per variant, as indices into tokens (default the last) */
  positions?: number[];
}

export interface SweepResult {
  /** (variants, positions, V) */
  logits: Float32Array;
  shape: [number, number, number];
}

export interface SweepProgress {
  /** variants finished */
  done: number;
  total: number;
}

export interface GenerateArgs<F = never> {
  /** tokens fed first (teacher forcing); default encode(prompt) with BOS, or [BOS] */
  tokens?: Tokens;
  prompt?: string;
  /** positions to run (default and maximum seq_len) */
  steps?: number;
  /** default temperature 1, top-p 0.9, seed 42; {temperature: 0} is greedy */
  sampler?: SamplerSpec;
  /** stop when BOS is sampled (default true) */
  stopAtBos?: boolean;
  /** give the message loop a turn at least this often, so a cancel is seen (default 8 ms) */
  yieldEveryMs?: number;
  /** also return every step's logits (steps, V) */
  logits?: boolean;
  patches?: PatchSpec[];
  hooks?: LocalOnly<F, [HookName, F][]>;
}

/** One position of a generation, streamed as it is computed. */
export interface GenerateEvent {
  /** position just fed */
  pos: number;
  /** token fed at pos */
  token: number;
  /** token for pos + 1 */
  next: number;
  /** whether next came from the given tokens */
  forced: boolean;
  /** BOS was sampled: the sequence ends, next is not part of the text */
  end: boolean;
  /** the text next adds ("" at the end or inside an incomplete UTF-8 character) */
  text: string;
}

export interface Generated {
  /** the first token, then every next (teacher-forced or sampled) up to the end */
  tokens: Int32Array;
  /** the streamed texts joined (run.c's printing: control bytes dropped, split UTF-8 characters joined) */
  text: string;
  /** positions fed */
  steps: number;
  /** (steps, V) when asked for */
  logits?: Float32Array;
}

export interface ProfileArgs {
  tokens?: Tokens;
  prompt?: string;
  /** positions to run through the profiler (default 32); greedy unless a sampler is given */
  steps?: number;
  sampler?: SamplerSpec;
}

export interface ProfileResult {
  /** milliseconds by category and layer, accumulated over the run, with the timer resolution */
  report: ProfileReport;
  /** the quant provider's counters for the run, null without quantization */
  counters: QuantCounters | null;
}

export interface QuantState {
  settings: {quant: string; weights: string; act: string};
  counters: QuantCounters;
  residency: QuantResidency;
  matrices: MatrixReport[];
}

export interface StatsArgs {
  /** zero the counters after reading them */
  reset?: boolean;
}

/** Every operation: its arguments, its result and the events it streams. */
export interface EngineOps<F = never> {
  load: {args: LoadArgs; result: ModelInfo; event: LoadProgress};
  tokenize: {args: TokenizeArgs; result: Tokenized; event: never};
  /** installs or updates quantization (takes effect on the next token) */
  quant: {args: QuantSettingsSpec; result: QuantState; event: never};
  /** quant counters and residency; null while the model runs without a quant provider */
  stats: {args: StatsArgs; result: QuantState | null; event: never};
  run: {args: RunArgs<F>; result: Logits; event: never};
  cache: {args: CacheArgs<F>; result: CacheResult; event: never};
  /** the same tokens under many variants; checks for a cancel between variants */
  sweep: {args: SweepArgs; result: SweepResult; event: SweepProgress};
  generate: {args: GenerateArgs<F>; result: Generated; event: GenerateEvent};
  profile: {args: ProfileArgs; result: ProfileResult; event: GenerateEvent};
}

export type OpName = keyof EngineOps;
export type OpArgs<Op extends OpName, F = never> = EngineOps<F>[Op]["args"];
export type OpResult<Op extends OpName> = EngineOps[Op]["result"];
export type OpEvent<Op extends OpName> = EngineOps[Op]["event"];

/** Page -> engine. */
export type ToEngine =
  | {
      type: "request";
      id: number;
      op: OpName;
      args: unknown;
      /** Int32Array (1,) on shared memory: set to 1 to cancel, seen even inside a synchronous forward pass */
      cancelFlag?: Int32Array;
    }
  | {type: "cancel"; id: number};

/** An error as it crosses the boundary: the engine's message, unchanged. */
export interface WireError {
  name: string;
  message: string;
}

/** Engine -> page. Every request gets exactly one result or error, after any number of events. */
export type FromEngine =
  | {type: "event"; id: number; value: unknown}
  | {type: "result"; id: number; value: unknown}
  | {type: "error"; id: number; error: WireError};

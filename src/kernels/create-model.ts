// The one entry that makes a runnable model from a llama2.c checkpoint and tokenizer.bin on the best kernels this
// runtime has: the WebAssembly SIMD kernels (default) with `threads` worker threads when shared memory exists, else
// the plain TS kernels; `backend` says which ran and why a request was not met. The studio, the engine host and the
// CLI call this; loadModelFromBytes stays the plain-TS loader underneath.
//   const m = await createModel(checkpointBytes, tokenizerBytes, {kernels: "wasm", threads: 2, spawn});
//   forward(m.model, token, pos); ... m.close();
import {fastModelBytes, withFastKernels} from "./fast-model.ts";
import type {KernelCalls} from "./wasm-kernels.ts";
import {spawnBrowserWorker} from "./threads.browser.ts";
import {threadsAvailable, type SpawnWorker} from "./threads.ts";
import {readCheckpoint, readCheckpointHeader} from "../engine/checkpoint.ts";
import {checkMemory, DEFAULT_MAX_BYTES, modelBytes} from "../engine/config.ts";
import type {Bytes, LoadedModel} from "../engine/load.ts";
import type {Config} from "../engine/model.ts";
import {createTransformer, type Transformer, type TransformerOptions} from "../engine/transformer.ts";
import {readTokenizer} from "../tokenizers/llama2c.ts";

export const KERNEL_SETS = ["ts", "wasm"] as const;
/** ts: the plain TypeScript reference ops; wasm: WebAssembly SIMD128 kernels (and threads) */
export type KernelSet = (typeof KERNEL_SETS)[number];

export function toKernelSet(value: string): KernelSet {
  const v = String(value).trim().toLowerCase() as KernelSet;
  if (!KERNEL_SETS.includes(v)) throw new Error(`invalid kernels: ${value}`);
  return v;
}

export interface ModelSpec {
  /** "wasm" (default) or "ts" */
  kernels?: KernelSet | string;
  /** threads including the caller (default 1); > 1 runs only on the wasm kernels with shared memory */
  threads?: number;
  /** how to start a kernel worker: spawnNodeWorker (src/kernels/threads.node.ts) in Node; browsers default to Workers */
  spawn?: SpawnWorker;
  /** the longest prefill the wasm arena holds (default seq_len: any prefill) */
  prefillRows?: number;
  /** refuse models needing more memory than this, arena included (default 2 GiB) */
  maxBytes?: number;
}

/** A model running on a kernel set, whatever file it came from. */
export interface RunningEngine {
  model: Transformer;
  /** what runs the model, e.g. "wasm-simd128 ×2 threads", and why a request was not met */
  backend: string;
  kernels: KernelSet;
  threads: number;
  /** the wasm kernels' call counters (fast path vs fallback), null on the TS kernels */
  calls: KernelCalls | null;
  /** stops the kernel threads (none for one thread); the model is not usable afterwards */
  close(): void;
}

export interface RunningModel extends LoadedModel, RunningEngine {}

const asBytes = (b: Bytes) => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** A llama2.c checkpoint and tokenizer.bin on the kernels the spec asks for. */
export async function createModel(checkpoint: Bytes, tokenizer: Bytes, spec: ModelSpec = {}): Promise<RunningModel> {
  const bytes = asBytes(checkpoint);
  const config = readCheckpointHeader(bytes, bytes.byteLength);
  const tok = readTokenizer(asBytes(tokenizer), config.vocabSize);
  const engine = await runOnKernels(
    config,
    (o) => createTransformer(config, readCheckpoint(bytes, {alloc: o.alloc, maxBytes: spec.maxBytes}).weights, o),
    spec
  );
  return {...engine, tokenizer: tok};
}

/**
 * Any model on the kernels the spec asks for: `build` makes it with the options it is given — the wasm arena's
 * alloc and kernels, or none (the TS reference ops and plain arrays) when the spec asks for ts or wasm is unavailable.
 * `extraBytes`: the model's tensors beyond Config's (biases, rope_freqs), for the arena and the memory check.
 */
export async function runOnKernels(
  config: Config,
  build: (o: TransformerOptions) => Transformer | Promise<Transformer>,
  spec: ModelSpec & {extraBytes?: number} = {}
): Promise<RunningEngine> {
  const kernels = toKernelSet(spec.kernels ?? "wasm");
  const threads = spec.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`invalid threads: ${threads}`);
  const maxBytes = spec.maxBytes ?? DEFAULT_MAX_BYTES;
  const extraBytes = spec.extraBytes ?? 0;
  const plain = async (why: string): Promise<RunningEngine> => {
    checkMemory(config, maxBytes, extraBytes);
    return {
      model: await build({}),
      backend: `plain TS kernels${why}`,
      kernels: "ts",
      threads: 1,
      calls: null,
      close: () => {}
    };
  };
  if (kernels === "ts") return plain(threads > 1 ? " (threads need --kernels wasm: 1 thread)" : "");

  let use = threads;
  let note = "";
  if (threads > 1 && !threadsAvailable()) {
    use = 1;
    note = " (no shared memory: the page is not cross-origin isolated, so 1 thread)";
  }
  const spawn = spec.spawn ?? (typeof Worker === "function" ? spawnBrowserWorker : undefined);
  if (use > 1 && !spawn)
    throw new Error(
      "invalid threads: more than 1 needs spawn (in Node: spawnNodeWorker from src/kernels/threads.node.ts)"
    );
  const options = {threads: use, spawn, prefillRows: spec.prefillRows ?? config.seqLen, extraBytes};
  checkMemory(config, maxBytes, fastModelBytes(config, options) - modelBytes(config));
  let made;
  try {
    made = await withFastKernels(config, options, build);
  } catch (error) {
    // a runtime without WebAssembly SIMD (or shared memory for threads) still runs, on the TS kernels
    if (/SIMD128|SharedArrayBuffer|shared memory/.test((error as Error).message))
      return plain(` (wasm unavailable: ${(error as Error).message})`);
    throw error;
  }
  const {model, fast} = made;
  return {
    model,
    backend: fast.backendName + note,
    kernels,
    threads: use,
    calls: fast.calls,
    close: () => fast.close()
  };
}

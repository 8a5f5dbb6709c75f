// What a notebook runs on: the built-in model, or a llama2.c checkpoint + tokenizer, a GGUF file or a Hugging Face
// folder the user loaded from disk. A choice knows its config without loading anything and opens a fresh copy (its
// own RunState) on demand, behind the memory guard, so a notebook can open two copies (fp32 and quantized) of
// whichever model is picked; a copy comes with the model's text side (ModelText). Copies run on the WebAssembly SIMD
// kernels (createModel, runOnKernels), with worker threads where the page is cross-origin isolated and the model is
// large enough to gain from them; where SIMD is missing they run on the plain TS kernels and the page says so.
import {
  DEFAULT_MODEL_FILES,
  checkpointBytes,
  loadModelFromBytes,
  modelBytes,
  readCheckpointHeader,
  readSource,
  readTokenizer,
  seededCheckpoint,
  loadGgufModel,
  loadHfModel,
  type Config,
  type Transformer,
  type TransformerOptions
} from "../../engine/index.ts";
import {createModel, fastModelBytes, MIN_PARALLEL_FLOPS} from "../../kernels/index.ts";
import {runOnKernels, type RunningEngine} from "../../kernels/create-model.ts";
import {blobSource} from "../../model-files/gguf/index.ts";
import {guardMemory, memoryBudget, type MemoryBudget} from "../../studio/memory-guard.ts";
import {showNotice} from "../../studio/notices.ts";
import {blobFolder, type FolderFile} from "./folder-preview.ts";
import {formatTypeCounts, type ModelPreview} from "./gguf-preview.ts";
import {llama2cModelText, missingText, vocabModelText, type ModelText} from "./model-text.ts";
import type {StoredCheckpoint} from "./model-store.ts";

export const BUILT_IN = "built-in";

export interface ModelChoice {
  /** "built-in", or the loaded checkpoint's name: the value of the `model` URL parameter */
  key: string;
  /** what the picker shows */
  label: string;
  config: Config;
  /** the built-in model while it is the seeded, untrained one: its predictions are noise */
  untrained: boolean;
  /** file names and checkpoint size, for a llama2.c model from disk */
  files: {checkpoint: string; tokenizer: string; bytes: number} | null;
  /** what the GGUF file or Hugging Face folder says (metadata, tensor types), for such a model */
  preview: ModelPreview | null;
  /** the text side: how its tokenizer is called, or null (text cells then say which files would give it one) */
  tokenizer: string | null;
  /**
   * A fresh copy of the model, after checking that it fits in memory. Pass the cell's `invalidation` to stop the
   * copy's kernel threads when the cell re-runs (a copy nobody holds any more stops them when it is collected).
   */
  open: (options?: OpenOptions) => Promise<OpenedModel>;
}

/** A running copy and its text side (encode a prompt, a token's bytes). */
export interface OpenedModel extends RunningEngine {
  tokenizer: ModelText;
}

export interface OpenOptions {
  /** closes the copy when it resolves */
  invalidation?: Promise<unknown>;
  /** the memory to fit in (default: what the browser reports, see memory-guard.ts) */
  budget?: MemoryBudget;
}

const MEMORY_HINT = "close other tabs, pick a smaller model, or use a machine with more memory";
/** At most this many threads per copy: a notebook opens several copies, and each gets its own workers. */
const MAX_THREADS = 4;

/**
 * Threads for a copy: more than one only with shared memory (a cross-origin isolated page) and only when a decode
 * step's largest matrix-vector product is big enough for the kernels to split it. Below that, workers only add
 * wake-ups: stories260K decodes at 9.0k tokens/s on two threads against 11.7k on one (npm run bench).
 */
export function notebookThreads(c: Config, scope: {crossOriginIsolated?: boolean; navigator?: Navigator} = globalThis) {
  const largest = 2 * c.dim * Math.max(c.vocabSize, c.hiddenDim, c.dim);
  if (!scope.crossOriginIsolated || largest < MIN_PARALLEL_FLOPS) return 1;
  return Math.max(1, Math.min(MAX_THREADS, scope.navigator?.hardwareConcurrency ?? 1));
}

/** Stops the kernel threads of copies that were dropped without an invalidation. */
const unclosed = new FinalizationRegistry<() => void>((close) => close());
let fallbackShown = false;

/**
 * A copy of a model on the fast kernels, behind the memory guard: `bytes` is what the copy holds (the wasm arena
 * counted, not just the weights), checked before `make` reads anything.
 */
async function openCopy(
  make: (threads: number) => Promise<OpenedModel>,
  config: Config,
  bytes: (threads: number) => number,
  what: string,
  {invalidation, budget = memoryBudget()}: OpenOptions = {}
): Promise<OpenedModel> {
  const threads = notebookThreads(config);
  guardMemory(bytes(threads), {what, hint: MEMORY_HINT}, budget);
  const running = await make(threads);
  if (running.kernels === "ts" && !fallbackShown) {
    fallbackShown = true;
    showNotice(
      "This browser cannot run the WebAssembly SIMD kernels, so the model runs on the plain TypeScript kernels: " +
        "same model, slower. A current Chrome, Edge, Firefox or Safari runs it at full speed."
    );
  }
  const close = running.close;
  let closed = false;
  running.close = () => {
    if (closed) return;
    closed = true;
    unclosed.unregister(running.model);
    close();
  };
  unclosed.register(running.model, close, running.model);
  void invalidation?.then(() => running.close());
  return running;
}

/** A llama2.c checkpoint and tokenizer as an open copy. */
function openCheckpoint(
  files: () => Promise<[ArrayBuffer | Uint8Array, ArrayBuffer | Uint8Array]>,
  config: Config,
  what: string,
  options?: OpenOptions
): Promise<OpenedModel> {
  return openCopy(
    async (threads) => {
      const [checkpoint, tokenizer] = await files();
      const running = await createModel(checkpoint, tokenizer, {threads});
      return {...running, tokenizer: llama2cModelText(running.tokenizer)};
    },
    config,
    (threads) => fastModelBytes(config, {threads, prefillRows: config.seqLen}),
    what,
    options
  );
}

/** "4 layers · width 128 · 4 heads (2 KV) · vocab 259 · 0.9M parameters" */
export function describeConfig(c: Config): string {
  const kv = c.nKvHeads === c.nHeads ? "" : ` (${c.nKvHeads} KV)`;
  return `${c.nLayers} layers · width ${c.dim} · ${c.nHeads} heads${kv} · vocab ${c.vocabSize} · ${formatCount(parameterCount(c))} parameters`;
}

/** Weights in the model (the classifier counted once when shared). */
export function parameterCount(c: Config): number {
  const perLayer = 2 * c.dim + 2 * c.dim * c.dim + 2 * c.kvDim * c.dim + 3 * c.hiddenDim * c.dim;
  return c.vocabSize * c.dim * (c.sharedClassifier ? 1 : 2) + c.nLayers * perLayer + c.dim;
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${(n / 1e3).toFixed(0)}K`;
}

export function builtInChoice(): ModelChoice {
  // The built-in files decide (src/engine/default-model.ts): seeded random weights until a trained model replaces them.
  const {checkpoint} = DEFAULT_MODEL_FILES();
  const config = readCheckpointHeader(checkpoint, checkpoint.byteLength);
  const seeded = seededCheckpoint();
  const untrained = seeded.byteLength === checkpoint.byteLength && seeded.every((b, i) => b === checkpoint[i]);
  return {
    key: BUILT_IN,
    label: `built-in model (${describeConfig(config)})`,
    config,
    untrained,
    files: null,
    preview: null,
    tokenizer: "llama2.c tokenizer.bin",
    open: (options) => {
      const {checkpoint, tokenizer} = DEFAULT_MODEL_FILES();
      return openCheckpoint(async () => [checkpoint, tokenizer], config, "the built-in model", options);
    }
  };
}

export function storedChoice(stored: StoredCheckpoint): ModelChoice {
  let bytes: Promise<[ArrayBuffer, ArrayBuffer]> | null = null;
  return {
    key: stored.name,
    label: `${stored.name} from disk (${describeConfig(stored.config)})`,
    config: stored.config,
    untrained: false,
    files: {checkpoint: stored.checkpointName, tokenizer: stored.tokenizerName, bytes: stored.checkpoint.size},
    preview: null,
    tokenizer: `llama2.c ${stored.tokenizerName}`,
    open: (options) =>
      openCheckpoint(
        () => (bytes ??= Promise.all([stored.checkpoint.arrayBuffer(), stored.tokenizer.arrayBuffer()])),
        stored.config,
        `the model ${stored.name}`,
        options
      )
  };
}

/** What a model from disk is called in the picker: "<name> from disk: GGUF llama, 13 × Q4_K, … (2 layers · …)". */
function diskLabel(name: string, preview: ModelPreview): string {
  const label = preview.name && preview.name !== name ? `${name} (${preview.name})` : name;
  return `${label} from disk: ${preview.format} ${preview.architecture}, ${formatTypeCounts(preview.types)} (${describeConfig(preview.config)})`;
}

/**
 * A model from disk as a choice: every open reads its tensors again from the Blobs, range by range (`load` builds the
 * model with the kernels' options), so a file is never copied whole into memory; the tokenizer is the model's own.
 */
function diskChoice(
  name: string,
  preview: ModelPreview,
  provide: string,
  load: (o: TransformerOptions) => Promise<Transformer>
): ModelChoice {
  const {config, extraFloats, tensorBytes} = preview;
  const what = `the model ${name}`;
  const text = preview.tokenizer ? vocabModelText(preview.tokenizer) : missingText(what, provide);
  return {
    key: name,
    label: diskLabel(name, preview),
    config,
    untrained: false,
    files: null,
    preview,
    tokenizer: text.description,
    open: (options) =>
      openCopy(
        async (threads) => {
          const engine = await runOnKernels(config, load, {threads, extraBytes: 4 * extraFloats});
          return {...engine, tokenizer: text};
        },
        config,
        // the loaders keep the files' tensors as stored next to the float32 weights
        (threads) =>
          fastModelBytes(config, {threads, prefillRows: config.seqLen, extraBytes: 4 * extraFloats}) + tensorBytes,
        what,
        options
      )
  };
}

/** A GGUF file (the user's File, or the stored copy) as a choice. */
export function ggufChoice(file: Blob, name: string, preview: ModelPreview): ModelChoice {
  const provide =
    "load a GGUF converted with its vocabulary (llama.cpp's convert_hf_to_gguf.py writes the tokenizer.ggml.* keys), or a llama2.c checkpoint with its tokenizer.bin";
  return diskChoice(name, preview, provide, async (o) => {
    const source = blobSource(file, name);
    return (await loadGgufModel(source, {...o, ctx: preview.config.seqLen})).model;
  });
}

/** A Hugging Face folder (the files picked or dropped, or the stored copies) as a choice. */
export function folderChoice(files: readonly FolderFile[], name: string, preview: ModelPreview): ModelChoice {
  const provide = "add the model's tokenizer.json (and tokenizer_config.json) from its Hub page to the folder";
  return diskChoice(name, preview, provide, async (o) => {
    const folder = blobFolder(name, files);
    return (await loadHfModel(folder, {...o, ctx: preview.config.seqLen})).model;
  });
}

export interface ReadFilesOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Reads and checks a checkpoint and its tokenizer from disk: the header (shape, exact file size, memory) before the
 * rest of the file, then the whole model and the tokenizer against the model's vocabulary. Throws the engine's
 * message (what is wrong and what to do) prefixed with the file's name.
 */
export async function readModelFiles(checkpoint: File, tokenizer: File, options: ReadFilesOptions = {}) {
  let config: Config | null = null;
  const checkpointData = await named(checkpoint, () =>
    readSource(checkpoint, {
      ...options,
      what: "checkpoint",
      check: (header, total) => {
        config = readCheckpointHeader(header, total);
        // the file's bytes and the model built from them are both in memory while it loads
        guardMemory(modelBytes(config) + checkpointBytes(config), {
          what: `the model ${checkpoint.name}`,
          hint: MEMORY_HINT
        });
      }
    })
  );
  const tokenizerData = await named(tokenizer, () =>
    readSource(tokenizer, {signal: options.signal, what: "tokenizer"})
  );
  await named(tokenizer, async () => readTokenizer(tokenizerData, config!.vocabSize));
  await named(checkpoint, async () => loadModelFromBytes(checkpointData, tokenizerData));
  return {config: config! as Config, checkpoint: checkpointData, tokenizer: tokenizerData};
}

async function named<T>(file: File, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as Error).name === "WorkCancelled" || (error as Error).name === "AbortError") throw error;
    throw new Error(`${file.name}: ${(error as Error).message}`, {cause: error});
  }
}

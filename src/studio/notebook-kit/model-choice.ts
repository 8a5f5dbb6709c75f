// What a notebook runs on: the built-in model or a llama2.c checkpoint + tokenizer the user loaded from disk. A
// choice knows its config without loading anything and opens a fresh copy (its own RunState) on demand, behind the
// memory guard, so a notebook can open two copies (fp32 and quantized) of whichever model is picked.
import {
  DEFAULT_MODEL_FILES,
  checkpointBytes,
  loadModelFromBytes,
  modelBytes,
  readCheckpointHeader,
  readSource,
  readTokenizer,
  seededCheckpoint,
  type Config,
  type LoadedModel
} from "../../engine/index.ts";
import {guardMemory} from "../memory-guard.ts";
import {loadNotebookModel} from "../model.ts";
import type {StoredModel} from "./model-store.ts";

export const BUILT_IN = "built-in";

export interface ModelChoice {
  /** "built-in", or the loaded checkpoint's name: the value of the `model` URL parameter */
  key: string;
  /** what the picker shows */
  label: string;
  config: Config;
  /** the built-in model while it is the seeded, untrained one: its predictions are noise */
  untrained: boolean;
  /** file names and checkpoint size, for a model from disk */
  files: {checkpoint: string; tokenizer: string; bytes: number} | null;
  /** a fresh copy of the model, after checking that it fits in memory */
  open: () => Promise<LoadedModel>;
}

const MEMORY_HINT = "close other tabs, pick a smaller model, or use a machine with more memory";

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
    open: async () => loadNotebookModel()
  };
}

export function storedChoice(stored: StoredModel): ModelChoice {
  let bytes: Promise<[ArrayBuffer, ArrayBuffer]> | null = null;
  return {
    key: stored.name,
    label: `${stored.name} from disk (${describeConfig(stored.config)})`,
    config: stored.config,
    untrained: false,
    files: {checkpoint: stored.checkpointName, tokenizer: stored.tokenizerName, bytes: stored.checkpoint.size},
    open: async () => {
      guardMemory(modelBytes(stored.config), {what: `the model ${stored.name}`, hint: MEMORY_HINT});
      bytes ??= Promise.all([stored.checkpoint.arrayBuffer(), stored.tokenizer.arrayBuffer()]);
      const [checkpoint, tokenizer] = await bytes;
      return loadModelFromBytes(checkpoint, tokenizer);
    }
  };
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

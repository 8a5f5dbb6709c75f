// The model a command runs, from what --model names: nothing (the built-in model), a GGUF file (its own tokenizer),
// a Hugging Face folder (its tokenizer.json, else --tokenizer tokenizer.json, else token ids only) or a llama2.c
// checkpoint (with --tokenizer tokenizer.bin), on the kernels --kernels names (wasm by default, with --threads
// worker threads). A GGUF keeps its quantized matrices packed in the file's types and starts "as in the file" (cached
// mode unless --weights says otherwise); --quant re-quantizes it from the dequantized file.
import {open, stat} from "node:fs/promises";
import {DEFAULT_MODEL_FILES} from "../engine/default-model.ts";
import {ggufPlan, loadGgufModel} from "../engine/gguf.ts";
import {hfPlan, loadHfModel} from "../engine/hf.ts";
import {readModelFiles} from "../engine/load.node.ts";
import {createModel, runOnKernels, type RunningEngine} from "../kernels/create-model.ts";
import {spawnNodeWorker} from "../kernels/threads.node.ts";
import {readGguf} from "../model-files/gguf/index.ts";
import {openFileSource} from "../model-files/gguf/source.node.ts";
import {openDirectory} from "../model-files/hf/folder.node.ts";
import {readFolderConfig} from "../model-files/hf/index.ts";
import {tokenizerFromGguf} from "../tokenizers/gguf-vocab.ts";
import {hfTokenizer} from "../tokenizers/hf.ts";
import {readHfTokenizer} from "../tokenizers/files.node.ts";
import {llama2cText, vocabText, type TextCodec} from "../tokenizers/text.ts";
import type {ModelOptions} from "./options.ts";
import {quantMatrices, setQuant} from "../quant/provider.ts";

export interface CliModel extends RunningEngine {
  /** the model's text side; null when it has no tokenizer (a folder without tokenizer.json: token ids only) */
  text: TextCodec | null;
  /** what was loaded, for messages: e.g. "GGUF llama, 13 × Q4_K, 5 × F32, 3 × Q6_K" */
  source: string;
  /** whether the model is a GGUF file (its matrices' types are known: --act ggml, "as in the file") */
  gguf: boolean;
}

type LoadOptions = Pick<ModelOptions, "model" | "tokenizer" | "kernels" | "threads" | "ctx"> &
  Partial<Pick<ModelOptions, "kv">>;

export async function loadModelFor(options: LoadOptions): Promise<CliModel> {
  const running = await loadModel(options);
  running.model.kv = options.kv ?? "f32";
  return running;
}

async function loadModel(options: LoadOptions): Promise<CliModel> {
  const {model: path, tokenizer, kernels, threads, ctx} = options;
  const spec = {kernels, threads, spawn: spawnNodeWorker};
  if (path === undefined) {
    const files = DEFAULT_MODEL_FILES();
    const running = await createModel(files.checkpoint, files.tokenizer, spec);
    const model = {...running, text: llama2cText(running.tokenizer), source: "the built-in model", gguf: false};
    return withinSeqLen(model, ctx);
  }
  const kind = await fileKind(path);
  if (kind === "folder") return loadFolder(path, tokenizer, ctx, spec);
  if (kind === "gguf") {
    if (tokenizer !== undefined)
      throw new Error(`invalid tokenizer: ${tokenizer} given with a GGUF file (${path} carries its own tokenizer)`);
    return loadGguf(path, ctx, spec);
  }
  if (tokenizer === undefined)
    throw new Error("invalid tokenizer: missing (--model needs --tokenizer T, the tokenizer.bin exported with it)");
  const files = await readModelFiles(path, tokenizer);
  const running = await createModel(files.checkpoint, files.tokenizer, spec);
  const model = {
    ...running,
    text: llama2cText(running.tokenizer),
    source: `llama2.c checkpoint ${path}`,
    gguf: false
  };
  return withinSeqLen(model, ctx);
}

/** A llama2.c model's context is its header's seq_len: --ctx may only ask for less. */
function withinSeqLen(model: CliModel, ctx: number | undefined): CliModel {
  const {seqLen} = model.model.config;
  if (ctx !== undefined && ctx > seqLen) {
    model.close();
    throw new Error(`invalid ctx: ${ctx} (${model.source} holds ${seqLen} positions, its seq_len)`);
  }
  return model;
}

async function fileKind(path: string): Promise<"folder" | "gguf" | "checkpoint"> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (error as Error).message;
    throw new Error(`cannot read model ${path}: ${reason}; check the path`, {cause: error});
  }
  if (isDirectory) return "folder";
  const handle = await open(path, "r");
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.toString("latin1") === "GGUF" ? "gguf" : "checkpoint";
  } finally {
    await handle.close();
  }
}

type KernelSpec = Parameters<typeof runOnKernels>[2];

async function loadGguf(path: string, ctx: number | undefined, spec: KernelSpec): Promise<CliModel> {
  const source = await openFileSource(path);
  try {
    const gguf = await readGguf(source);
    const {config, extraFloats} = ggufPlan(gguf, ctx);
    let loaded: Awaited<ReturnType<typeof loadGgufModel>> | undefined;
    const engine = await runOnKernels(
      config,
      async (o) => {
        loaded = await loadGgufModel(source, {...o, ctx, packed: true, matrices: (host) => quantMatrices(host)});
        return loaded.model;
      },
      {...spec, extraBytes: 4 * extraFloats}
    );
    const hasVocab = gguf.metadata.get("tokenizer.ggml.model") !== undefined;
    const arch = gguf.metadata.getString("general.architecture");
    return {
      ...engine,
      text: hasVocab ? vocabText(tokenizerFromGguf(gguf.metadata)) : null,
      source: `GGUF ${arch}, ${loaded!.types}`,
      gguf: true
    };
  } finally {
    await source.close();
  }
}

async function loadFolder(
  path: string,
  tokenizer: string | undefined,
  ctx: number | undefined,
  spec: KernelSpec
): Promise<CliModel> {
  const folder = await openDirectory(path);
  try {
    const {config, extraFloats} = hfPlan(await readFolderConfig(folder), ctx);
    let loaded: Awaited<ReturnType<typeof loadHfModel>> | undefined;
    const engine = await runOnKernels(
      config,
      async (o) => {
        loaded = await loadHfModel(folder, {...o, ctx});
        return loaded.model;
      },
      {...spec, extraBytes: 4 * extraFloats}
    );
    const {file, types} = loaded!;
    if (tokenizer !== undefined && file.tokenizer)
      throw new Error(`invalid tokenizer: ${tokenizer} given with a folder that has its own tokenizer.json (${path})`);
    const text = tokenizer
      ? vocabText(await readHfTokenizer(tokenizer))
      : file.tokenizer
        ? vocabText(hfTokenizer(file.tokenizer))
        : null;
    return {...engine, text, source: `Hugging Face ${file.config.architecture}, ${types}`, gguf: false};
  } finally {
    await folder.close();
  }
}

/**
 * The weights as the options ask: --quant / --weights, and --act ggml (llama.cpp's numerics on the types the matrices
 * run in), else as loaded. Returns the stderr lines that say what runs on a GGUF ("as in the file: …", or what a
 * --quant re-quantizes from).
 */
export function applyNumerics(running: CliModel, options: Pick<ModelOptions, "quant" | "ggmlNumerics">): string[] {
  if (options.ggmlNumerics && !running.gguf)
    throw new Error(
      `invalid act: ggml needs a GGUF model (its tensor types decide how llama.cpp rounds each product's input); ${running.source} has none`
    );
  const spec = options.ggmlNumerics ? {...options.quant, act: "ggml"} : options.quant;
  if (spec) setQuant(running.model, spec);
  if (!running.gguf) return [];
  const lines = [`note: weights ${running.model.matrices.kind}\n`];
  const quantized = running.model.file!.summary.split(", ").some((part) => !part.endsWith("× F32"));
  if (options.quant?.quant !== undefined && quantized)
    lines.push(
      "note: re-quantizing an already quantized file: the reference for this spec is the dequantized file, not the original floats\n"
    );
  return lines;
}

/** The text side, or an error that says why a text input cannot be used with this model. */
export function requireText(model: CliModel, what: string): TextCodec {
  if (model.text) return model.text;
  throw new Error(
    `${what} needs a tokenizer, and ${model.source} has none: give --tokens ids, or --tokenizer tokenizer.json`
  );
}

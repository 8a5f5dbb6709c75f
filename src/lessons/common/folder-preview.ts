// A Hugging Face model folder the user picked or dropped (config.json, model.safetensors or its shards, optionally
// tokenizer.json + tokenizer_config.json), described before it is loaded: config.json checked as the loader checks
// it, the safetensors headers only (no tensor data) for the dtypes and sizes, and its tokenizer when it has one.
import {hfPlan} from "../../engine/index.ts";
import type {ByteSource} from "../../model-files/gguf/index.ts";
import {blobSource} from "../../model-files/gguf/index.ts";
import {HfFolderError, readFolderConfig, type ModelFolder} from "../../model-files/hf/index.ts";
import {readSafetensors} from "../../model-files/safetensors/index.ts";
import {hfTokenizer} from "../../tokenizers/hf.ts";
import type {Tokenizer} from "../../tokenizers/tokenizer.ts";
import type {ModelPreview, TypeCount} from "./gguf-preview.ts";

/** A file of a folder: its name inside the folder (no path) and its bytes. */
export interface FolderFile {
  name: string;
  blob: Blob;
}

/** Files a user picked or dropped as a ModelFolder, each read by ranges from its Blob. */
export function blobFolder(name: string, files: readonly FolderFile[]): ModelFolder {
  const byName = new Map(files.map((f) => [f.name, f.blob]));
  return {
    name,
    files: [...byName.keys()],
    open: async (file): Promise<ByteSource> => {
      const blob = byName.get(file);
      if (!blob) throw new HfFolderError(name, undefined, `file "${file}"`, "is missing");
      return blobSource(blob, `${name}/${file}`);
    }
  };
}

/** The folder's model as the picker previews it; throws the reader's error when it cannot run here. */
export async function previewFolder(folder: ModelFolder): Promise<ModelPreview> {
  const hf = await readFolderConfig(folder);
  const {config, extraFloats} = hfPlan(hf);
  const weights = folder.files.filter((f) => f.endsWith(".safetensors")).sort();
  if (weights.length === 0)
    throw new HfFolderError(
      folder.name,
      undefined,
      "weights",
      "are missing: a Hugging Face folder needs model.safetensors (or model.safetensors.index.json and its shards)"
    );
  const byType = new Map<string, TypeCount>();
  for (const file of weights) {
    const st = await readSafetensors(await folder.open(file));
    for (const t of st.tensors) {
      const row = byType.get(t.dtype) ?? {type: t.dtype, tensors: 0, bytes: 0};
      row.tensors++;
      row.bytes += t.size;
      byType.set(t.dtype, row);
    }
  }
  const types = [...byType.values()].sort((a, b) => b.tensors - a.tensors || b.bytes - a.bytes);
  let tokenizer: Tokenizer | null = null;
  let tokenizerProblem: string | null = null;
  if (!folder.files.includes("tokenizer.json"))
    tokenizerProblem = "the folder has no tokenizer.json (with tokenizer_config.json, from the model's Hub page)";
  else
    try {
      const json = async (file: string) => JSON.parse(await text(await folder.open(file))) as unknown;
      tokenizer = hfTokenizer({
        tokenizer: await json("tokenizer.json"),
        config: folder.files.includes("tokenizer_config.json") ? await json("tokenizer_config.json") : undefined
      });
    } catch (error) {
      tokenizerProblem = `tokenizer.json cannot be used: ${(error as Error).message}`;
    }
  return {
    format: "Hugging Face",
    architecture: hf.architecture,
    name: null,
    config,
    contextLength: hf.contextLength,
    extraFloats,
    types,
    tensorBytes: types.reduce((sum, t) => sum + t.bytes, 0),
    tokenizer,
    tokenizerProblem
  };
}

async function text(source: ByteSource): Promise<string> {
  return new TextDecoder().decode(await source.read(0, source.size));
}

// A Hugging Face model folder (what a Hub download holds): config.json, the weights as model.safetensors or shards
// listed by model.safetensors.index.json, and optionally tokenizer.json + tokenizer_config.json. The tensors are
// checked against the config (every one present, with its shape; nothing unknown), read by their own ranges, kept in
// their dtype, and named as in GGUF (`blk.0.attn_q.weight`), the one vocabulary the engine and the views use.
// Q and K stay in the folder's rotate-half order: the engine runs these models with NeoX RoPE.
import {ModelFileError} from "../errors.ts";
import type {AllocationWatch} from "../gguf/budget.ts";
import type {ByteSource} from "../gguf/source.ts";
import {readSafetensors, readSafetensorsBytes, type SafetensorsTensor} from "../safetensors/read.ts";
import {readHfConfig, type HfModelConfig} from "./config.ts";

/** The files of one folder: a directory in Node, the files a user picked or dropped in a browser. */
export interface ModelFolder {
  /** for messages: the directory path or the folder's name */
  readonly name: string;
  /** the file names in the folder (no paths) */
  readonly files: readonly string[];
  open(file: string): Promise<ByteSource>;
}

export class HfFolderError extends ModelFileError {
  override readonly name = "HfFolderError";
}

export interface HfStoredTensor {
  /** the GGUF name, e.g. blk.0.attn_q.weight */
  name: string;
  /** the folder's name, e.g. model.layers.0.self_attn.q_proj.weight */
  hfName: string;
  /** F32 | F16 | BF16 (ggml's type names) */
  type: string;
  /** [out, in] */
  shape: number[];
  count: number;
  bytes: Uint8Array;
}

export interface HfModelFile {
  config: HfModelConfig;
  /** every tensor the model uses, by GGUF name */
  tensors: ReadonlyMap<string, HfStoredTensor>;
  /** tokenizer.json and tokenizer_config.json parsed, when the folder has them */
  tokenizer: {tokenizer: unknown; config?: unknown} | null;
  /** the weight files read */
  weightFiles: string[];
}

export interface ReadHfOptions {
  onAllocate?: AllocationWatch;
  /** runs once config.json is read and checked, before any tensor data is read (a memory check may throw here) */
  beforeTensors?: (config: HfModelConfig) => void;
}

/** [Hugging Face name, GGUF name] */
const TOP_NAMES: [string, string][] = [
  ["model.embed_tokens.weight", "token_embd.weight"],
  ["model.norm.weight", "output_norm.weight"],
  ["lm_head.weight", "output.weight"]
];
/** [Hugging Face name, GGUF name] within model.layers.N / blk.N */
const LAYER_NAMES: [string, string][] = [
  ["input_layernorm.weight", "attn_norm.weight"],
  ["self_attn.q_proj.weight", "attn_q.weight"],
  ["self_attn.k_proj.weight", "attn_k.weight"],
  ["self_attn.v_proj.weight", "attn_v.weight"],
  ["self_attn.q_proj.bias", "attn_q.bias"],
  ["self_attn.k_proj.bias", "attn_k.bias"],
  ["self_attn.v_proj.bias", "attn_v.bias"],
  ["self_attn.o_proj.weight", "attn_output.weight"],
  ["post_attention_layernorm.weight", "ffn_norm.weight"],
  ["mlp.gate_proj.weight", "ffn_gate.weight"],
  ["mlp.up_proj.weight", "ffn_up.weight"],
  ["mlp.down_proj.weight", "ffn_down.weight"]
];

/** Hugging Face tensor name -> GGUF name (undefined: not a tensor of these architectures). */
export function ggufNameOf(hfName: string): string | undefined {
  const top = TOP_NAMES.find(([hf]) => hf === hfName);
  if (top) return top[1];
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hfName);
  const suffix = m && LAYER_NAMES.find(([hf]) => hf === m[2])?.[1];
  return suffix ? `blk.${Number(m[1])}.${suffix}` : undefined;
}

/** GGUF name -> [out, in] (or [n]) that the config implies, for every tensor the model needs. */
function expectedShapes(c: HfModelConfig): Map<string, number[]> {
  const {dim: D, hiddenDim: H, vocabSize: V} = c;
  const KV = c.nKvHeads * c.headSize;
  const shapes = new Map<string, number[]>([
    ["token_embd.weight", [V, D]],
    ["output_norm.weight", [D]]
  ]);
  if (!c.tiedOutput) shapes.set("output.weight", [V, D]);
  for (let l = 0; l < c.nLayers; l++) {
    const layer: [string, number[]][] = [
      ["attn_norm.weight", [D]],
      ["attn_q.weight", [D, D]],
      ["attn_k.weight", [KV, D]],
      ["attn_v.weight", [KV, D]],
      ["attn_output.weight", [D, D]],
      ["ffn_norm.weight", [D]],
      ["ffn_gate.weight", [H, D]],
      ["ffn_up.weight", [H, D]],
      ["ffn_down.weight", [D, H]]
    ];
    if (c.qkvBias) layer.push(["attn_q.bias", [D]], ["attn_k.bias", [KV]], ["attn_v.bias", [KV]]);
    for (const [name, shape] of layer) shapes.set(`blk.${l}.${name}`, shape);
  }
  return shapes;
}

async function readText(folder: ModelFolder, file: string): Promise<string> {
  const source = await folder.open(file);
  // a config or tokenizer file is read whole: refuse what no real one is (tokenizer.json of a 150k vocabulary is ~10 MB)
  if (source.size > 64 * 1024 * 1024)
    throw new HfFolderError(`${folder.name}/${file}`, 0, "file", `is ${source.size} bytes; that is not a JSON config`);
  try {
    return new TextDecoder("utf-8", {fatal: true}).decode(await source.read(0, source.size));
  } catch (error) {
    throw new HfFolderError(
      `${folder.name}/${file}`,
      undefined,
      "file",
      `is not UTF-8 text (${(error as Error).message})`
    );
  }
}

async function readJson(folder: ModelFolder, file: string): Promise<unknown> {
  const text = await readText(folder, file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HfFolderError(`${folder.name}/${file}`, undefined, "file", `is not JSON (${(error as Error).message})`);
  }
}

/** The weight files: model.safetensors, or the shards model.safetensors.index.json lists. */
async function weightFiles(folder: ModelFolder): Promise<{files: string[]; map: Map<string, string> | null}> {
  const has = (f: string) => folder.files.includes(f);
  if (has("model.safetensors.index.json")) {
    const index = await readJson(folder, "model.safetensors.index.json");
    const weightMap = (index as {weight_map?: unknown})?.weight_map;
    if (typeof weightMap !== "object" || weightMap === null || Array.isArray(weightMap))
      throw new HfFolderError(
        `${folder.name}/model.safetensors.index.json`,
        undefined,
        `key "weight_map"`,
        "is missing"
      );
    const map = new Map<string, string>();
    for (const [name, file] of Object.entries(weightMap)) {
      if (typeof file !== "string" || file.includes("/") || file.includes("\\"))
        throw new HfFolderError(
          `${folder.name}/model.safetensors.index.json`,
          undefined,
          `weight_map "${name}"`,
          `names ${JSON.stringify(file)}; expected a file name in the same folder`
        );
      if (!has(file))
        throw new HfFolderError(
          folder.name,
          undefined,
          `file "${file}"`,
          `is missing; the index lists it for "${name}"`
        );
      map.set(name, file);
    }
    return {files: [...new Set(map.values())].sort(), map};
  }
  if (has("model.safetensors")) return {files: ["model.safetensors"], map: null};
  const other = folder.files.find((f) => f.endsWith(".bin") || f.endsWith(".pt") || f.endsWith(".pth"));
  throw new HfFolderError(
    folder.name,
    undefined,
    "weights",
    other
      ? `are in ${other} (PyTorch pickle), which is not read here; download or convert the safetensors weights`
      : "are missing: a Hugging Face folder needs model.safetensors (or model.safetensors.index.json and its shards)"
  );
}

/** The folder's config.json, read and checked. */
export async function readFolderConfig(folder: ModelFolder): Promise<HfModelConfig> {
  if (!folder.files.includes("config.json"))
    throw new HfFolderError(
      folder.name,
      undefined,
      "config.json",
      `is missing; is this a Hugging Face model folder? (it holds ${folder.files.slice(0, 6).join(", ") || "no files"})`
    );
  return readHfConfig(await readText(folder, "config.json"), `${folder.name}/config.json`);
}

/** Reads and checks a Hugging Face folder; every tensor's bytes are read once, by its own range. */
export async function readHfModel(folder: ModelFolder, options: ReadHfOptions = {}): Promise<HfModelFile> {
  const config = await readFolderConfig(folder);
  options.beforeTensors?.(config);
  const expected = expectedShapes(config);
  const {files, map} = await weightFiles(folder);
  const found = new Map<string, {file: string; source: ByteSource; tensor: SafetensorsTensor}>();
  for (const file of files) {
    const source = await folder.open(file);
    const st = await readSafetensors(source, options);
    for (const tensor of st.tensors) {
      const where = `${folder.name}/${file}`;
      if (map && map.get(tensor.name) !== file)
        throw new HfFolderError(
          where,
          tensor.fileOffset,
          `tensor "${tensor.name}"`,
          "is not listed for this file by the index"
        );
      if (tensor.name.endsWith("rotary_emb.inv_freq")) continue; // older checkpoints store RoPE's table; it is derived
      const name = ggufNameOf(tensor.name);
      if (name === "output.weight" && config.tiedOutput) continue; // tied: the classifier is the embedding
      if (!name || !expected.has(name))
        throw new HfFolderError(
          where,
          tensor.fileOffset,
          `tensor "${tensor.name}"`,
          `is not part of a ${config.architecture} with ${config.nLayers} layers${config.qkvBias ? "" : " without biases"} (check config.json)`
        );
      if (found.has(name))
        throw new HfFolderError(
          where,
          tensor.fileOffset,
          `tensor "${tensor.name}"`,
          `is also in ${found.get(name)!.file}`
        );
      const shape = expected.get(name)!;
      if (tensor.shape.length !== shape.length || tensor.shape.some((n, i) => n !== shape[i]))
        throw new HfFolderError(
          where,
          tensor.fileOffset,
          `tensor "${tensor.name}"`,
          `has shape [${tensor.shape.join(", ")}] but config.json implies [${shape.join(", ")}]`
        );
      found.set(name, {file, source, tensor});
    }
  }
  for (const name of expected.keys())
    if (!found.has(name))
      throw new HfFolderError(
        folder.name,
        undefined,
        `tensor "${hfNameOf(name)}"`,
        name === "output.weight"
          ? `is missing; config.json says tie_word_embeddings is false (set it to true if the model shares its embedding)`
          : `is missing; a ${config.architecture} with this config.json needs it`
      );
  const tensors = new Map<string, HfStoredTensor>();
  for (const [name, {source, tensor}] of found)
    tensors.set(name, {
      name,
      hfName: tensor.name,
      type: tensor.dtype,
      shape: tensor.shape,
      count: tensor.count,
      bytes: await readSafetensorsBytes(source, tensor, options)
    });
  const tokenizer = folder.files.includes("tokenizer.json")
    ? {
        tokenizer: await readJson(folder, "tokenizer.json"),
        config: folder.files.includes("tokenizer_config.json")
          ? await readJson(folder, "tokenizer_config.json")
          : undefined
      }
    : null;
  return {config, tensors, tokenizer, weightFiles: files};
}

/** GGUF name -> the folder's name (for messages). */
function hfNameOf(name: string): string {
  const top = TOP_NAMES.find(([, gguf]) => gguf === name);
  if (top) return top[0];
  const m = /^blk\.(\d+)\.(.+)$/.exec(name)!;
  return `model.layers.${m[1]}.${LAYER_NAMES.find(([, gguf]) => gguf === m[2])![0]}`;
}

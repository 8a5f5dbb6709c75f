// Tokenizers from files (Node): a GGUF model or vocabulary file, or a Hugging Face tokenizer.json with the
// tokenizer_config.json beside it (optional: it says whether BOS is added and holds the chat template).
import {open, readFile} from "node:fs/promises";
import {basename, dirname, join} from "node:path";
import {readGguf} from "../model-files/gguf/index.ts";
import {openFileSource} from "../model-files/gguf/source.node.ts";
import {tokenizerFromGguf} from "./gguf-vocab.ts";
import {hfTokenizer} from "./hf.ts";
import type {Tokenizer} from "./tokenizer.ts";

const GGUF_MAGIC = "GGUF";

async function startsWithGguf(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.toString("latin1") === GGUF_MAGIC;
  } finally {
    await handle.close();
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: not JSON (${(e as Error).message})`, {cause: e});
  }
}

/** The tokenizer of a GGUF file. */
export async function readGgufTokenizer(path: string): Promise<Tokenizer> {
  if (!(await startsWithGguf(path))) throw new Error(`not a GGUF file: ${path} (it does not start with "GGUF")`);
  const source = await openFileSource(path);
  try {
    return tokenizerFromGguf((await readGguf(source)).metadata);
  } finally {
    await source.close();
  }
}

/** The tokenizer of a tokenizer.json, with tokenizer_config.json from the same folder when there is one. */
export async function readHfTokenizer(path: string): Promise<Tokenizer> {
  if (await startsWithGguf(path))
    throw new Error(`${path} is a GGUF file: pass it as --model, not as a tokenizer.json`);
  const tokenizer = await readJson(path, "tokenizer.json");
  const configPath = join(dirname(path), "tokenizer_config.json");
  const config = await readJson(configPath, "tokenizer_config.json").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT" && basename(path) !== "tokenizer_config.json") return undefined;
    throw e;
  });
  return hfTokenizer({tokenizer, config});
}

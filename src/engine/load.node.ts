// Loading from file paths in Node: the header is read and checked (with the file size) before the file is read.
import {open, readFile, stat} from "node:fs/promises";
import {checkMemory, DEFAULT_MAX_BYTES} from "./config.ts";
import {HEADER_BYTES, readCheckpointHeader} from "./checkpoint.ts";
import {loadModelFromBytes, type LoadedModel, type LoadOptions} from "./load.ts";

export async function loadModelFromFiles(
  checkpointPath: string,
  tokenizerPath: string,
  options: LoadOptions = {}
): Promise<LoadedModel> {
  const {checkpoint, tokenizer} = await readModelFiles(checkpointPath, tokenizerPath, options.maxBytes);
  options.onProgress?.(checkpoint.byteLength, checkpoint.byteLength);
  return loadModelFromBytes(checkpoint, tokenizer, options);
}

/** The bytes of a checkpoint and tokenizer file, the checkpoint's header and memory need checked before reading it. */
export async function readModelFiles(
  checkpointPath: string,
  tokenizerPath: string,
  maxBytes = DEFAULT_MAX_BYTES
): Promise<{checkpoint: Uint8Array; tokenizer: Uint8Array}> {
  await checkCheckpointFile(checkpointPath, maxBytes);
  await fileSize(tokenizerPath, "tokenizer");
  const [checkpoint, tokenizer] = await Promise.all([readFile(checkpointPath), readFile(tokenizerPath)]);
  return {checkpoint, tokenizer};
}

/** The bytes of a checkpoint file, its header and memory need checked before it is read (no tokenizer needed). */
export async function readCheckpointFile(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
  await checkCheckpointFile(path, maxBytes);
  return readFile(path);
}

async function checkCheckpointFile(path: string, maxBytes: number): Promise<void> {
  const size = await fileSize(path, "checkpoint");
  const header = new Uint8Array(Math.min(HEADER_BYTES, size));
  const file = await open(path, "r");
  try {
    await file.read(header, 0, header.byteLength, 0);
  } finally {
    await file.close();
  }
  checkMemory(readCheckpointHeader(header, size), maxBytes);
}

async function fileSize(path: string, what: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error("not a file");
    return s.size;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new Error(`cannot read ${what} ${path}: ${reason}; check the path`, {cause: error});
  }
}

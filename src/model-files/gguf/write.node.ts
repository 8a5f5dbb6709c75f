// A GGUF file written to disk part by part (ggufParts): each tensor's bytes are made, written and dropped in turn,
// into a temporary file renamed over the target at the end, so a failure halfway leaves no half-written model.
import {open, rename, rm} from "node:fs/promises";
import {ggufParts, type GgufLazyOut} from "./write.ts";

/** Writes the file; returns its size in bytes. */
export async function writeGgufFile(path: string, file: GgufLazyOut): Promise<number> {
  const partial = `${path}.partial`;
  const handle = await open(partial, "w");
  let size = 0;
  try {
    for await (const part of ggufParts(file, path)) {
      await handle.write(part);
      size += part.byteLength;
    }
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, {force: true});
    throw error;
  }
  await rename(partial, path);
  return size;
}

// A file path in Node as a ByteSource: one open handle, positioned reads.
import {open, type FileHandle} from "node:fs/promises";
import type {ByteSource} from "./source.ts";

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, "r");
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new Error("not a regular file");
    }
    size = stats.size;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new Error(`cannot read ${path}: ${reason}; check the path`, {cause: error});
  }
  return {
    size,
    name: path,
    async read(offset, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const {bytesRead} = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new Error(
            `${path} ended at byte ${offset + done} while reading ${length} bytes at ${offset}: the file changed while open`
          );
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close()
  };
}

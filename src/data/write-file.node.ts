// Write an Arrow IPC file from Node one record batch at a time. The bytes go to a temporary file beside the target,
// renamed over it only when complete, so a failure never leaves a half-written file or destroys an older one.
import {closeSync, openSync, renameSync, rmSync, writeSync} from "node:fs";
import type {Table} from "apache-arrow";
import {ipcChunks, type BatchSource, type IpcFormat} from "./ipc.ts";

/** Returns the bytes and rows written. */
export function writeArrowFile(
  path: string,
  source: Table | BatchSource,
  format: IpcFormat = "file"
): {bytes: number; rows: number} {
  const partial = `${path}.${process.pid}.partial`;
  let bytes = 0;
  let rows = 0;
  const counted: BatchSource = {
    schema: source.schema,
    batches: {
      *[Symbol.iterator]() {
        for (const batch of source.batches) {
          rows += batch.numRows;
          yield batch;
        }
      }
    }
  };
  const fd = openSync(partial, "w");
  let open = true;
  try {
    for (const chunk of ipcChunks(counted, format)) {
      for (let done = 0; done < chunk.byteLength;) done += writeSync(fd, chunk, done);
      bytes += chunk.byteLength;
    }
    closeSync(fd);
    open = false;
    renameSync(partial, path);
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(partial, {force: true});
    throw error;
  }
  return {bytes, rows};
}

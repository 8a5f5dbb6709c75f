// Arrow IPC writing with bounded memory: a table (or a schema plus a lazy generator of record batches) becomes a
// sequence of byte chunks, one record batch at a time. Browser-safe; the Node file writer is in write-file.node.ts.
//
// "file" is the random-access format (magic "ARROW1", footer; conventionally .arrow): what FileAttachment.arrow(),
// pyarrow.ipc.open_file, polars readIPC and DuckDB's arrow extension open. "stream" (.arrows) has no footer, so a
// reader can start before the writer ends.
import {AsyncByteQueue, RecordBatchFileWriter, RecordBatchStreamWriter} from "apache-arrow";
import type {RecordBatch, Schema, Table} from "apache-arrow";

export type IpcFormat = "file" | "stream";

/** A table as a schema and its record batches; the batches may be produced lazily (a generator). */
export interface BatchSource {
  schema: Schema;
  batches: Iterable<RecordBatch>;
}

export const IPC_MIME: Record<IpcFormat, string> = {
  file: "application/vnd.apache.arrow.file",
  stream: "application/vnd.apache.arrow.stream"
};

export function toIPCFormat(format: string): IpcFormat {
  if (format !== "file" && format !== "stream") throw new Error(`invalid format: ${format}`);
  return format;
}

/** apache-arrow's writer queues its output; this queue hands the chunks over as soon as each batch is written. */
class ChunkQueue extends AsyncByteQueue {
  take(): Uint8Array[] {
    return this._values.splice(0);
  }
}

function sameColumns(a: Schema, b: Schema): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return f.name === g.name && f.nullable === g.nullable && String(f.type) === String(g.type);
    })
  );
}

/** The IPC bytes of `source` as chunks; only the current record batch is held in memory. */
export function* ipcChunks(source: Table | BatchSource, format: IpcFormat = "file"): Generator<Uint8Array> {
  const {schema, batches} = source;
  const queue = new ChunkQueue();
  const writer = toIPCFormat(format) === "file" ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  // Writing the schema up front makes a table with zero batches a valid file too.
  writer.reset(queue, schema);
  yield* queue.take();
  for (const batch of batches) {
    // apache-arrow would silently end the output at a batch with other columns; say so instead
    if (!sameColumns(batch.schema, schema)) {
      throw new Error(`record batch columns (${batch.schema.fields}) differ from the table's (${schema.fields})`);
    }
    writer.write(batch);
    yield* queue.take();
  }
  writer.close(); // end-of-stream marker, and for "file" the footer and closing magic
  yield* queue.take();
}

/** The whole IPC file (or stream) as one byte array. */
export function toIPC(source: Table | BatchSource, format: IpcFormat = "file"): Uint8Array<ArrayBuffer> {
  const chunks = [...ipcChunks(source, format)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** A pull-based byte stream: the next batch is built only when the consumer (a download, a Response) asks for it. */
export function ipcReadableStream(source: Table | BatchSource, format: IpcFormat = "file"): ReadableStream<Uint8Array> {
  const chunks = ipcChunks(source, format);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel() {
      chunks.return(undefined);
    }
  });
}

/** A Blob with the Arrow MIME type, for a download link: `URL.createObjectURL(ipcBlob(table))`. */
export function ipcBlob(source: Table | BatchSource, format: IpcFormat = "file"): Blob {
  return new Blob([...ipcChunks(source, format)] as BlobPart[], {type: IPC_MIME[format]});
}

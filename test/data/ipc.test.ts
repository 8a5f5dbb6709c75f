import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {RecordBatch, tableFromArrays} from "apache-arrow";
import {afterAll, describe, expect, it} from "vitest";
import {
  activationBatches,
  IPC_MIME,
  ipcBlob,
  ipcChunks,
  ipcReadableStream,
  readArrow,
  readArrowBytes,
  timingsToTable,
  toIPC,
  toIPCFormat,
  type BatchSource
} from "../../src/data/index.ts";
import {writeArrowFile} from "../../src/data/write-file.node.ts";
import {SAMPLE_RUN, sampleTrace} from "./sample-trace.ts";

/** The sample activations cut into small batches, counting how many batches the writer has pulled. */
function countedSource(): {source: BatchSource; pulled: () => number; total: number} {
  const {schema, batches} = activationBatches(sampleTrace(), SAMPLE_RUN, {maxBatchValues: 40});
  const total = [...batches].length;
  let pulled = 0;
  function* counted() {
    for (const b of batches) {
      pulled++;
      yield b;
    }
  }
  return {source: {schema, batches: counted()}, pulled: () => pulled, total};
}

const rowsOf = (bytes: Uint8Array) =>
  readArrowBytes(bytes)
    .toArray()
    .map((r) => JSON.stringify(r));

describe("ipcChunks(source, format)", () => {
  it("ipcChunks(source, format) pulls one record batch per chunk group, never the whole table up front", () => {
    for (const format of ["file", "stream"] as const) {
      const {source, pulled, total} = countedSource();
      const seen: number[] = [];
      for (const chunk of ipcChunks(source, format)) {
        expect(chunk.byteLength).toBeGreaterThan(0);
        seen.push(pulled());
      }
      expect(seen[0]).toBe(0); // the schema (or file magic) goes out before any batch is built
      expect(new Set(seen)).toEqual(new Set(Array.from({length: total + 1}, (_, i) => i)));
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it("ipcChunks(source, format) joined equals toIPC(source, format), and reads back to the same rows", () => {
    for (const format of ["file", "stream"] as const) {
      const chunks = [...ipcChunks(countedSource().source, format)];
      const joined = new Uint8Array(Buffer.concat(chunks));
      expect(joined).toEqual(toIPC(countedSource().source, format));
      expect(rowsOf(joined)).toEqual(rowsOf(toIPC(countedSource().source, "file")));
    }
  });

  it("ipcChunks({schema, batches: []}) writes a valid empty table in both formats", () => {
    const {schema} = timingsToTable([], SAMPLE_RUN);
    for (const format of ["file", "stream"] as const) {
      const table = readArrowBytes(toIPC({schema, batches: []}, format), {expect: "timings"});
      expect(table.numRows).toBe(0);
      expect(table.schema.fields.map((f) => f.name)).toEqual(["step", "layer", "category", "duration_ms", "bytes"]);
    }
  });

  it("ipcChunks(source) refuses a record batch with other columns instead of ending the output early", () => {
    const {schema} = timingsToTable([], SAMPLE_RUN);
    const stranger = tableFromArrays({x: Float64Array.of(1)}).batches[0] as RecordBatch;
    expect(() => toIPC({schema, batches: [stranger]})).toThrow(/record batch columns \(x: Float64\) differ/);
  });

  it("toIPCFormat(format) accepts file and stream only", () => {
    expect(toIPCFormat("stream")).toBe("stream");
    expect(() => toIPCFormat("parquet")).toThrow("invalid format: parquet");
  });
});

describe("ipcReadableStream(source, format) and ipcBlob(source, format)", () => {
  it("ipcReadableStream(source) served as a Response reads back to the same table", async () => {
    const expected = rowsOf(toIPC(countedSource().source));
    for (const format of ["file", "stream"] as const) {
      const table = await readArrow(new Response(ipcReadableStream(countedSource().source, format)));
      expect(table.toArray().map((r) => JSON.stringify(r))).toEqual(expected);
    }
  });

  it("ipcReadableStream(source) builds batches only as the reader pulls, and stops on cancel", async () => {
    const {source, pulled, total} = countedSource();
    const reader = ipcReadableStream(source, "stream").getReader();
    await reader.read();
    expect(pulled()).toBeLessThan(total);
    await reader.cancel();
    const after = pulled();
    expect(after).toBeLessThan(total);
  });

  it("ipcBlob(source, format) has the Arrow MIME type and the IPC bytes", async () => {
    const blob = ipcBlob(countedSource().source, "stream");
    expect(blob.type).toBe(IPC_MIME.stream);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(toIPC(countedSource().source, "stream"));
  });
});

describe("writeArrowFile(path, source, format)", () => {
  const dir = mkdtempSync(join(tmpdir(), "glassbox-data-"));
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  it("writeArrowFile(path, source) writes the IPC file and returns its size and row count", () => {
    const path = join(dir, "a.arrow");
    const {bytes, rows} = writeArrowFile(path, countedSource().source);
    expect(readFileSync(path).length).toBe(bytes);
    expect(rows).toBe(readArrowBytes(readFileSync(path)).numRows);
    expect(rowsOf(readFileSync(path))).toEqual(rowsOf(toIPC(countedSource().source)));
  });

  it("writeArrowFile(path, source) that fails midway keeps the old file and leaves no partial file", () => {
    const path = join(dir, "keep.arrow");
    writeFileSync(path, "old contents");
    const {schema, batches} = countedSource().source;
    function* failing() {
      let n = 0;
      for (const b of batches) {
        if (n++ === 2) throw new Error("engine cancelled");
        yield b;
      }
    }
    expect(() => writeArrowFile(path, {schema, batches: failing()})).toThrow("engine cancelled");
    expect(readFileSync(path, "utf8")).toBe("old contents");
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});

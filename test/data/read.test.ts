import {Field, Float32, Schema, Table, tableFromArrays, tableToIPC, vectorFromArray} from "apache-arrow";
import {describe, expect, it} from "vitest";
import {
  activationsToTable,
  ArrowDataError,
  META,
  readArrow,
  readArrowBytes,
  timingsToTable,
  toIPC,
  type ArrowDataErrorCode
} from "../../src/data/index.ts";
import {SAMPLE_RUN, sampleTrace} from "./sample-trace.ts";

const activations = activationsToTable(sampleTrace(), SAMPLE_RUN);
const fileBytes = toIPC(activations, "file");
const streamBytes = toIPC(activations, "stream");
const text = (s: string) => new TextEncoder().encode(s);

/** The ArrowDataError thrown by fn; fails when fn returns or throws anything else. */
function arrowError(fn: () => unknown): ArrowDataError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ArrowDataError) return error;
    throw new Error(`expected an ArrowDataError, got ${error}`, {cause: error});
  }
  throw new Error("expected an ArrowDataError, but it returned");
}

function expectError(fn: () => unknown, code: ArrowDataErrorCode, ...fragments: (string | RegExp)[]): void {
  const error = arrowError(fn);
  expect(error.code).toBe(code);
  for (const f of fragments) expect(error.message).toMatch(f);
}

describe("readArrowBytes(bytes, options) on good input", () => {
  it("readArrowBytes(bytes) reads IPC file and stream bytes to the same table", () => {
    const fromFile = readArrowBytes(fileBytes);
    const fromStream = readArrowBytes(streamBytes);
    expect(fromFile.numRows).toBe(activations.numRows);
    expect(fromStream.toArray().map(String)).toEqual(fromFile.toArray().map(String));
    expect(fromFile.schema.metadata.get(META.table)).toBe("activations");
  });

  it("readArrowBytes(bytes) accepts a Node Buffer and a view into a larger ArrayBuffer", () => {
    const padded = new Uint8Array(fileBytes.length + 16);
    padded.set(fileBytes, 8);
    expect(readArrowBytes(padded.subarray(8, 8 + fileBytes.length)).numRows).toBe(activations.numRows);
    expect(readArrowBytes(Buffer.from(fileBytes)).numRows).toBe(activations.numRows);
  });

  it('readArrowBytes(bytes, {expect: "any"}) reads any Arrow table without a schema check', () => {
    const other = tableToIPC(tableFromArrays({x: Float32Array.of(1, 2)}), "file");
    expect(readArrowBytes(other, {expect: "any"}).numRows).toBe(2);
  });

  it("readArrowBytes(bytes) accepts a glassbox table with a column added by the user", () => {
    const columns = Object.fromEntries(activations.schema.fields.map((f) => [f.name, activations.getChild(f.name)!]));
    const norm = vectorFromArray(new Float32Array(activations.numRows));
    const table = readArrowBytes(tableToIPC(new Table({...columns, norm})), {expect: "activations"});
    expect(table.schema.fields.map((f) => f.name)).toContain("norm");
  });

  it("readArrowBytes(bytes) recognizes a glassbox table re-saved without its metadata by its columns", () => {
    const bare = new Table(new Schema(activations.schema.fields), activations.batches);
    expect(readArrowBytes(tableToIPC(bare, "file"), {expect: "activations"}).numRows).toBe(activations.numRows);
    expect(readArrowBytes(tableToIPC(bare, "file")).numRows).toBe(activations.numRows);
  });
});

describe("readArrow(source, options) from File, Blob, Response and FileAttachment", () => {
  const rows = activations.toArray().map(String);

  it("readArrow(File | Blob | Response | FileAttachment) gives the same table as the bytes", async () => {
    const attachment = {name: "trace.arrow", arrayBuffer: async () => fileBytes.slice().buffer};
    const sources = [
      fileBytes,
      fileBytes.slice().buffer,
      new Blob([fileBytes]),
      new File([fileBytes], "trace.arrow"),
      new Response(fileBytes),
      new Response(streamBytes),
      attachment,
      Promise.resolve(attachment)
    ];
    for (const source of sources) {
      const table = await readArrow(source, {expect: "activations"});
      expect(table.toArray().map(String)).toEqual(rows);
    }
  });

  it("readArrow(File) names the file in its errors", async () => {
    await expect(readArrow(new File([text("a,b\n1,2\n")], "notes.csv"))).rejects.toThrow(
      /^notes\.csv: not an Arrow IPC file/
    );
  });

  it("readArrow(Response) with an HTTP error says which status, before reading the body", async () => {
    const response = new Response("<html>not found</html>", {status: 404, statusText: "Not Found"});
    Object.defineProperty(response, "url", {value: "http://localhost/trace.arrow"});
    await expect(readArrow(response)).rejects.toMatchObject({
      code: "fetch",
      message: expect.stringMatching(/^http:\/\/localhost\/trace\.arrow: HTTP 404 Not Found; check the file name/)
    });
  });

  it("readArrow(File, {maxBytes}) refuses a larger file before reading it into memory", async () => {
    let read = false;
    const huge = {name: "big.arrow", size: 5e9, arrayBuffer: async () => ((read = true), new ArrayBuffer(0))};
    await expect(readArrow(huge, {maxBytes: 1e9})).rejects.toMatchObject({
      code: "too-large",
      message: expect.stringContaining("big.arrow: 5000000000 bytes is over the 1000000000-byte limit")
    });
    expect(read).toBe(false);
  });
});

describe("readArrowBytes(bytes) on bad input", () => {
  it("readArrowBytes(empty) says the file is empty", () => {
    expectError(() => readArrowBytes(new Uint8Array(0), {name: "a.arrow"}), "empty", /^a\.arrow: empty \(0 bytes\)/);
  });

  it("readArrowBytes(non-Arrow) names what the file looks like and what to open instead", () => {
    const cases: [Uint8Array, RegExp][] = [
      [text("hook,layer\nblocks.0.hook_q,0\n"), /looks like text \(CSV\?\)/],
      [text('{"hook": "blocks.0"}'), /looks like JSON/],
      [text("<!doctype html><title>404</title>"), /looks like HTML or XML \(an error page\?/],
      [Uint8Array.of(0x50, 0x41, 0x52, 0x31, 1, 2, 3, 4, 0x50, 0x41, 0x52, 0x31), /looks like Parquet/],
      [Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0), /gzip-compressed data \(decompress it first\)/],
      [Uint8Array.of(0, 1, 2, 3, 250, 251), /binary data of another format/]
    ];
    for (const [bytes, looksLike] of cases) {
      expectError(() => readArrowBytes(bytes), "not-arrow", /not an Arrow IPC file: it starts with/, looksLike);
    }
  });

  it("readArrowBytes(truncated file) fails at every cut point, never returning a partial table", () => {
    const bytes = toIPC(timingsToTable([{step: 0, layer: 0, category: "matmul", durationMs: 1}], SAMPLE_RUN));
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(arrowError(() => readArrowBytes(bytes.subarray(0, cut))).code, `cut at ${cut}`).toBe("truncated");
    }
    expectError(
      () => readArrowBytes(fileBytes.subarray(0, fileBytes.length - 1), {name: "t.arrow"}),
      "truncated",
      /^t\.arrow: truncated Arrow file: \d+ bytes and no closing "ARROW1" footer/,
      /copy it again from the original/
    );
  });

  it("readArrowBytes(truncated stream) fails at every cut point, even between record batches", () => {
    const bytes = toIPC(timingsToTable([{step: 0, layer: 0, category: "matmul", durationMs: 1}], SAMPLE_RUN), "stream");
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(arrowError(() => readArrowBytes(bytes.subarray(0, cut))).code, `cut at ${cut}`).toBe("truncated");
    }
    // cut exactly before the end-of-stream marker: apache-arrow alone would read this as a complete table
    expectError(() => readArrowBytes(bytes.subarray(0, bytes.length - 8)), "truncated", /no end-of-stream marker/);
  });

  it("readArrowBytes(corrupt file) wraps the decoder's failure in a clear error", () => {
    const bytes = fileBytes.slice();
    bytes.fill(0xee, 8, bytes.length - 10); // framing intact, every message garbled
    expectError(() => readArrowBytes(bytes), "corrupt", /corrupt Arrow data: the framing is intact/);
  });

  it("readArrowBytes(other table, {expect}) names the missing columns and how to load it anyway", () => {
    const other = tableToIPC(tableFromArrays({x: Float32Array.of(1, 2)}), "file");
    expectError(
      () => readArrowBytes(other, {expect: "activations", name: "x.arrow"}),
      "unknown-schema",
      /^x\.arrow: unknown schema: expected a glassbox activations table \(hook: Utf8, layer: Int32/,
      /missing columns hook, layer, position, token_id, token, head, values/,
      /columns are \(x: Float32\)/,
      /pass \{expect: "any"\}/
    );
    expectError(
      () => readArrowBytes(other),
      "unknown-schema",
      /expected a glassbox table \(activations, timings, metrics\)/
    );
  });

  it("readArrowBytes(timings, {expect: 'activations'}) says which glassbox table it is", () => {
    const timings = toIPC(timingsToTable([], SAMPLE_RUN));
    expectError(
      () => readArrowBytes(timings, {expect: "activations"}),
      "unknown-schema",
      /it is a glassbox timings table/
    );
    expect(readArrowBytes(timings, {expect: "timings"}).numRows).toBe(0);
  });

  it("readArrowBytes(bytes) rejects a column of the wrong type", () => {
    const fields = activations.schema.fields.map((f) => (f.name === "values" ? new Field("values", new Float32()) : f));
    const values = vectorFromArray(new Float32Array(activations.numRows));
    const columns = Object.fromEntries(
      fields.map((f) => [f.name, f.name === "values" ? values : activations.getChild(f.name)!])
    );
    const wrong = new Table(columns);
    expectError(
      () => readArrowBytes(tableToIPC(wrong), {expect: "activations"}),
      "unknown-schema",
      /column values is Float32, expected List<Float32>/
    );
  });

  it("readArrowBytes(bytes) refuses a table from a newer schema version and says to update", () => {
    const metadata = new Map(activations.schema.metadata).set(META.schemaVersion, "99");
    const newer = new Table(new Schema(activations.schema.fields, metadata), activations.batches);
    expectError(() => readArrowBytes(tableToIPC(newer)), "newer-version", /schema version 99.*update glassbox/);
  });
});

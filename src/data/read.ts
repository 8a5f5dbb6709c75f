// Reading an Arrow table back from whatever the user has: bytes, a File from a picker, a fetch Response, or a notebook
// FileAttachment. The bytes are checked before apache-arrow sees them, because apache-arrow returns an empty table
// for some truncated files and throws messages like "Cannot read properties of null" for others.
//
//   const table = await readArrow(FileAttachment("trace.arrow"), {expect: "activations"});
//   const table = await readArrow(view(Inputs.file({accept: ".arrow"})), {expect: "activations"}); // same table
//   const table = readArrowBytes(bytes); // any glassbox table, its kind in table.schema.metadata
import {tableFromIPC, type Table} from "apache-arrow";
import {ArrowDataError} from "./errors.ts";
import {checkSchema, type Expect} from "./schemas.ts";

export interface ReadOptions {
  /** which table to accept; default "glassbox" (any glassbox table), "any" skips the schema check */
  expect?: Expect;
  /** a label for error messages; default the File name, Response URL or FileAttachment name */
  name?: string;
  /** refuse larger inputs before reading them into memory; default 1 GiB */
  maxBytes?: number;
}

/** Anything with arrayBuffer(): Blob, File, Response, notebook FileAttachment. */
export interface ArrayBufferSource {
  arrayBuffer(): Promise<ArrayBuffer>;
  name?: string;
  size?: number;
  url?: string;
  ok?: boolean;
  status?: number;
  statusText?: string;
  headers?: {get(name: string): string | null};
}

export type ArrowSource = Uint8Array | ArrayBuffer | ArrayBufferSource;

const DEFAULT_MAX_BYTES = 2 ** 30;
const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const CONTINUATION = [0xff, 0xff, 0xff, 0xff];
const END_OF_STREAM = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
const EXPORT_HINT = "export it again with glassbox trace / eval or the studio's data export";

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  return at >= 0 && bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

/** Starts with `magic`, or is shorter and starts like it (an Arrow file cut short within its first bytes). */
const beginsWith = (bytes: Uint8Array, magic: number[]) => startsWith(bytes, magic.slice(0, bytes.length));

const endsWith = (bytes: Uint8Array, suffix: number[]) => startsWith(bytes, suffix, bytes.length - suffix.length);

/** A guess at what a non-Arrow file is, from its first bytes, so the message can say what was picked. */
function guessContent(bytes: Uint8Array): string {
  const head = new TextDecoder("utf-8", {fatal: false}).decode(bytes.subarray(0, 64)).trimStart();
  if (startsWith(bytes, [0x50, 0x41, 0x52, 0x31])) return "Parquet";
  if (startsWith(bytes, [0x1f, 0x8b])) return "gzip-compressed data (decompress it first)";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return "a zip archive";
  if (head.startsWith("<")) return "HTML or XML (an error page? check the URL or file name)";
  if (head.startsWith("{") || head.startsWith("[")) return "JSON";
  if (/^[\x20-\x7e\t\r\n]+$/.test(head)) return "text (CSV?)";
  return "binary data of another format";
}

const hex = (bytes: Uint8Array) => [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");

/** Check the IPC framing: magic at the start and the matching end, so a cut-short file is never read as complete. */
function checkFraming(bytes: Uint8Array, source: string): void {
  if (bytes.length === 0)
    throw new ArrowDataError("empty", `${source}: empty (0 bytes), not an Arrow file; ${EXPORT_HINT}`);
  const isFile = beginsWith(bytes, MAGIC);
  const isStream = beginsWith(bytes, CONTINUATION);
  if (isFile) {
    if (bytes.length < 2 * 8 + 4 || !endsWith(bytes, MAGIC)) {
      throw new ArrowDataError(
        "truncated",
        `${source}: truncated Arrow file: ${bytes.length} bytes and no closing "ARROW1" footer, so the end is ` +
          `missing (an interrupted download or copy); copy it again from the original, or ${EXPORT_HINT}`
      );
    }
  } else if (isStream) {
    if (!endsWith(bytes, END_OF_STREAM)) {
      throw new ArrowDataError(
        "truncated",
        `${source}: truncated Arrow stream: ${bytes.length} bytes and no end-of-stream marker, so record batches ` +
          `may be missing (an interrupted download or copy); copy it again from the original, or ${EXPORT_HINT}`
      );
    }
  } else {
    throw new ArrowDataError(
      "not-arrow",
      `${source}: not an Arrow IPC file: it starts with ${hex(bytes)}, not "ARROW1" (file) or ff ff ff ff ` +
        `(stream), and looks like ${guessContent(bytes)}; open a .arrow file written by glassbox, pyarrow, polars ` +
        `or DuckDB, or ${EXPORT_HINT}`
    );
  }
}

/** Bytes (IPC file or stream) -> a checked table. Throws ArrowDataError naming the problem and what to do. */
export function readArrowBytes(input: Uint8Array | ArrayBuffer, options: ReadOptions = {}): Table {
  const {expect = "glassbox", name = "arrow data", maxBytes = DEFAULT_MAX_BYTES} = options;
  const bytes = ArrayBuffer.isView(input)
    ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
  checkSize(bytes.byteLength, maxBytes, name);
  checkFraming(bytes, name);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new ArrowDataError(
      "corrupt",
      `${name}: corrupt Arrow data: the framing is intact but apache-arrow cannot decode it ` +
        `(${(error as Error).message}); ${EXPORT_HINT}`
    );
  }
  checkSchema(table.schema, expect, name);
  return table;
}

function checkSize(size: number, maxBytes: number, name: string): void {
  if (size > maxBytes) {
    throw new ArrowDataError(
      "too-large",
      `${name}: ${size} bytes is over the ${maxBytes}-byte limit for reading into memory; pass {maxBytes} to ` +
        `raise it, or write a smaller trace (fewer hooks, layers or positions)`
    );
  }
}

/** Bytes, a File or Blob, a fetch Response or a FileAttachment -> a checked table (see readArrowBytes). */
export async function readArrow(
  source: ArrowSource | PromiseLike<ArrowSource>,
  options: ReadOptions = {}
): Promise<Table> {
  const input = await source;
  if (!("arrayBuffer" in input)) return readArrowBytes(input, options);
  const name = options.name ?? input.name ?? input.url ?? "arrow data";
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (input.ok === false) {
    throw new ArrowDataError(
      "fetch",
      `${name}: HTTP ${input.status} ${input.statusText ?? ""}`.trimEnd() +
        "; check the file name and that the file is served with the notebook"
    );
  }
  const size = typeof input.size === "number" ? input.size : Number(input.headers?.get("content-length") ?? NaN);
  if (Number.isFinite(size)) checkSize(size, maxBytes, name);
  return readArrowBytes(await input.arrayBuffer(), {...options, name, maxBytes});
}

// Reading a GGUF file (llama.cpp's format, v2 and v3, little-endian): the header, every metadata key, the tensor
// infos and where each tensor's bytes are. Follows gguf.cpp's `gguf_init_from_file_impl` (llama.cpp c392e5094):
//
//   "GGUF" · u32 version · u64 n_tensors · u64 n_kv
//   n_kv × (string key · i32 value type · value)            string = u64 length · bytes (not NUL-terminated)
//   n_tensors × (string name · u32 n_dims · n_dims × i64 ne · i32 ggml type · u64 offset)
//   padding to general.alignment (default 32) · data section (tensor offsets count from its start)
//
// Everything is checked before it is used: a count or length against the bytes left in the file, shapes without
// overflow, type ids against the ggml table, each tensor inside the file, aligned and overlapping none. Any
// problem is one GgufError naming the key or tensor and its byte offset. Tensor bytes are not read here
// (readTensorBytes reads one tensor's range), so opening a multi-gigabyte file reads only its header.
import {FileBudget, type AllocationWatch} from "./budget.ts";
import {Cursor} from "./cursor.ts";
import {GgufError} from "./errors.ts";
import {ggmlTypeById, type GgmlType} from "./ggml-types.ts";
import {
  GGUF_VALUE_TYPES,
  GgufMetadata,
  type GgufArray,
  type GgufEntry,
  type GgufValue,
  type GgufValueType
} from "./metadata.ts";
import type {ByteSource} from "./source.ts";

export const DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS */
export const MAX_DIMS = 4;
/** ggml's GGML_MAX_NAME: a tensor name has at most 63 bytes */
const MAX_NAME_BYTES = 63;
/** nested arrays deeper than this are refused (llama.cpp reads none; gguf-py can write them) */
const MAX_ARRAY_DEPTH = 8;
const HEADER_BYTES = 24;

export interface GgufTensorInfo {
  readonly name: string;
  readonly type: GgmlType;
  /** ggml's `ne` order: shape[0] is the row length (the input dimension of a matrix) */
  readonly shape: readonly number[];
  /** number of values */
  readonly count: number;
  /** bytes, as stored */
  readonly size: number;
  /** from the start of the data section, as the file says */
  readonly offset: number;
  /** absolute: dataOffset + offset */
  readonly fileOffset: number;
  /** file offset of this tensor's info record (for messages) */
  readonly infoOffset: number;
}

export interface GgufFile {
  /** the source's name */
  readonly file: string;
  /** file size in bytes */
  readonly size: number;
  readonly version: 2 | 3;
  readonly alignment: number;
  readonly metadata: GgufMetadata;
  /** in file order */
  readonly tensors: readonly GgufTensorInfo[];
  /** absolute offset of the data section */
  readonly dataOffset: number;
  tensor(name: string): GgufTensorInfo | undefined;
}

export interface ReadGgufOptions {
  /** sees every allocation made from a size the file declares (tests assert none exceeds the file) */
  onAllocate?: AllocationWatch;
}

export async function readGguf(source: ByteSource, options: ReadGgufOptions = {}): Promise<GgufFile> {
  const budget = new FileBudget(source.name, source.size, options.onAllocate);
  const c = new Cursor(source, budget);
  const fail = (offset: number, subject: string, problem: string) =>
    new GgufError(source.name, offset, subject, problem);

  await c.need(4, "header");
  const magic = c.bytes(4);
  const magicText = String.fromCharCode(...magic);
  if (magicText === "FUGG") throw fail(0, "header", bigEndianRefusal);
  if (magicText !== "GGUF") throw fail(0, "header", `starts with ${hex(magic)}, not "GGUF": this is not a GGUF file`);
  await c.need(HEADER_BYTES - 4, "header");
  const version = c.u32();
  if (version !== 0 && (version & 0xffff) === 0) throw fail(4, "version", bigEndianRefusal);
  if (version === 1)
    throw fail(4, "version", "GGUF v1 is not supported (llama.cpp refuses it too); convert the model again");
  if (version !== 2 && version !== 3)
    throw fail(4, "version", `is ${version}; only GGUF v2 and v3 are supported (a newer file needs a newer reader)`);
  const nTensors = c.u64();
  const nKv = c.u64();
  // the smallest a record can be: an empty string, a type and one byte / no dims, a type and an offset
  const tensorCount = checkCount(nTensors, 8 + 4 + 4 + 8, c, 8, "tensor count");
  const kvCount = checkCount(nKv, 8 + 4 + 1, c, 16, "metadata key count");

  const entries = budget.list<GgufEntry>(kvCount, "metadata", 16);
  const seen = new Map<string, number>();
  for (let i = 0; i < kvCount; i++) {
    const offset = c.pos;
    const key = await readString(c, `metadata key #${i}`);
    const subject = `key "${key}"`;
    const first = seen.get(key);
    if (first !== undefined) throw fail(offset, subject, `is duplicated (first at byte ${first})`);
    seen.set(key, offset);
    const type = await readValueType(c, subject);
    entries[i] = {key, type, value: await readValue(c, type, subject, 0), offset};
  }
  const metadata = new GgufMetadata(source.name, entries);
  const alignment = readAlignment(metadata, source.name);

  const tensors = budget.list<GgufTensorInfo>(tensorCount, "tensor infos", c.pos);
  const infoOffsets: number[] = [];
  const names = new Map<string, number>();
  const raw: {name: string; type: GgmlType; shape: number[]; count: number; size: number; offset: bigint}[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const infoOffset = c.pos;
    const name = await readString(c, `tensor info #${i}`);
    const subject = `tensor "${name}"`;
    if (new TextEncoder().encode(name).byteLength > MAX_NAME_BYTES)
      throw fail(infoOffset, subject, `name is longer than ggml's ${MAX_NAME_BYTES} bytes`);
    const first = names.get(name);
    if (first !== undefined) throw fail(infoOffset, subject, `is duplicated (first at byte ${first})`);
    names.set(name, infoOffset);
    await c.need(4, subject);
    const nDims = c.u32();
    if (nDims > MAX_DIMS) throw fail(c.pos - 4, subject, `has ${nDims} dimensions; ggml allows at most ${MAX_DIMS}`);
    await c.need(8 * nDims + 4 + 8, subject);
    const shape: number[] = [];
    let rows = 1n;
    for (let d = 0; d < nDims; d++) {
      const ne = c.i64();
      if (ne < 0n) throw fail(c.pos - 8, subject, `dimension ${d} is negative (${ne})`);
      if (ne > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(c.pos - 8, subject, `dimension ${d} is too large (${ne})`);
      shape.push(Number(ne));
      if (d > 0) rows *= ne;
    }
    const typeId = c.i32();
    const type = ggmlTypeById(typeId);
    if (typeof type === "string") throw fail(c.pos - 4, subject, type);
    const rowLength = shape[0] ?? 1;
    if (rowLength % type.blockSize !== 0)
      throw fail(
        c.pos - 4,
        subject,
        `is ${type.name} with rows of ${rowLength} values, not a multiple of its block size ${type.blockSize}`
      );
    // BigInt: a corrupt shape may multiply past 2^53 (ggml checks the same against INT64_MAX)
    const size = rows * BigInt((rowLength / type.blockSize) * type.typeSize);
    if (size > BigInt(source.size))
      throw fail(
        infoOffset,
        subject,
        `shape [${shape.join(", ")}] of ${type.name} needs ${size} bytes, more than the whole file (${source.size})`
      );
    const count = Number(rows) * rowLength;
    raw.push({name, type, shape, count, size: Number(size), offset: c.u64()});
    infoOffsets.push(infoOffset);
  }
  const dataOffset = alignUp(c.pos, alignment);
  for (let i = 0; i < tensorCount; i++) {
    const {offset, ...t} = raw[i]!;
    const subject = `tensor "${t.name}"`;
    const infoOffset = infoOffsets[i]!;
    if (offset % BigInt(alignment) !== 0n)
      throw fail(infoOffset, subject, `data offset ${offset} is not a multiple of general.alignment (${alignment})`);
    const fileOffset = BigInt(dataOffset) + offset;
    if (fileOffset + BigInt(t.size) > BigInt(source.size))
      throw fail(
        infoOffset,
        subject,
        `data (${t.size} bytes at byte ${fileOffset}) runs past the end of the file (${source.size} bytes); the file is truncated`
      );
    tensors[i] = {...t, offset: Number(offset), fileOffset: Number(fileOffset), infoOffset};
  }
  checkOverlaps(tensors, source.name);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  return {
    file: source.name,
    size: source.size,
    version,
    alignment,
    metadata,
    tensors,
    dataOffset,
    tensor: (name) => byName.get(name)
  };
}

/** One tensor's bytes as stored (a view when the source is in memory, else one read of exactly its range). */
export async function readTensorBytes(
  source: ByteSource,
  tensor: GgufTensorInfo,
  options: ReadGgufOptions = {}
): Promise<Uint8Array> {
  if (tensor.fileOffset + tensor.size > source.size)
    throw new GgufError(
      source.name,
      tensor.infoOffset,
      `tensor "${tensor.name}"`,
      "lies past the end of this source; is it the same file?"
    );
  new FileBudget(source.name, source.size, options.onAllocate).claim(
    tensor.size,
    `tensor "${tensor.name}"`,
    tensor.fileOffset
  );
  return source.read(tensor.fileOffset, tensor.size);
}

const bigEndianRefusal =
  "this is a big-endian GGUF file; only little-endian files are supported (convert it again without --bigendian)";

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function checkCount(n: bigint, minBytes: number, c: Cursor, offset: number, what: string): number {
  const room = Math.floor(c.remaining / minBytes);
  if (n > BigInt(room))
    throw new GgufError(
      c.budget.file,
      offset,
      what,
      `is ${n}, but the ${c.remaining} bytes after the header have room for at most ${room}; the file is corrupt or truncated`
    );
  return Number(n);
}

const decoder = new TextDecoder("utf-8", {ignoreBOM: true});

/** UTF-8 to a string; short ASCII strings (most tokens) without TextDecoder, whose per-call cost dominates there. */
function decode(bytes: Uint8Array): string {
  if (bytes.byteLength > 64) return decoder.decode(bytes);
  let s = "";
  for (let i = 0; i < bytes.byteLength; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return decoder.decode(bytes);
    s += String.fromCharCode(b);
  }
  return s;
}

/** A GGUF string: u64 length, then that many bytes (any bytes, as llama.cpp accepts; invalid UTF-8 shows as U+FFFD). */
async function readString(c: Cursor, subject: string): Promise<string> {
  await c.need(8, subject);
  const start = c.pos;
  const length = c.u64();
  if (length > BigInt(c.remaining))
    throw new GgufError(
      c.budget.file,
      start,
      subject,
      `a string of ${length} bytes runs past the end of the file (${c.remaining} bytes left); the file is corrupt or truncated`
    );
  const n = Number(length);
  await c.need(n, subject);
  c.budget.claim(n, subject, start);
  return decode(c.bytes(n));
}

/** The next string if its length and bytes are in the cursor's window already, else undefined (nothing consumed). */
function stringInWindow(c: Cursor): string | undefined {
  if (!c.has(8)) return undefined;
  const start = c.pos;
  const length = c.u64();
  if (length > BigInt(c.remaining) || !c.has(Number(length))) {
    c.pos = start;
    return undefined;
  }
  c.budget.claim(Number(length), "string", start);
  return decode(c.bytes(Number(length)));
}

async function readValueType(c: Cursor, subject: string): Promise<GgufValueType> {
  await c.need(4, subject);
  const id = c.i32();
  const type = GGUF_VALUE_TYPES[id];
  if (type === undefined)
    throw new GgufError(c.budget.file, c.pos - 4, subject, `has unknown value type id ${id} (GGUF knows 0..12)`);
  return type;
}

const NUMERIC = {
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
  u64: BigUint64Array,
  i64: BigInt64Array
} as const;

/** Bytes the smallest item of this type takes in the file. */
function minItemBytes(type: GgufValueType): number {
  if (type === "bool") return 1;
  if (type === "string") return 8;
  if (type === "array") return 12;
  return NUMERIC[type].BYTES_PER_ELEMENT;
}

async function readValue(c: Cursor, type: GgufValueType, subject: string, depth: number): Promise<GgufValue> {
  if (type === "string") return readString(c, subject);
  if (type === "array") return readArray(c, subject, depth);
  await c.need(minItemBytes(type), subject);
  switch (type) {
    case "u8":
      return c.u8();
    case "i8":
      return c.i8();
    case "u16":
      return c.u16();
    case "i16":
      return c.i16();
    case "u32":
      return c.u32();
    case "i32":
      return c.i32();
    case "f32":
      return c.f32();
    case "f64":
      return c.f64();
    case "u64":
      return c.u64();
    case "i64":
      return c.i64();
    case "bool":
      return c.u8() !== 0;
  }
}

async function readArray(c: Cursor, subject: string, depth: number): Promise<GgufArray> {
  if (depth >= MAX_ARRAY_DEPTH)
    throw new GgufError(c.budget.file, c.pos, subject, `nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
  const itemType = await readValueType(c, subject);
  await c.need(8, subject);
  const start = c.pos;
  const n = c.u64();
  const itemBytes = minItemBytes(itemType);
  const room = Math.floor(c.remaining / itemBytes);
  if (n > BigInt(room))
    throw new GgufError(
      c.budget.file,
      start,
      subject,
      `an array of ${n} ${itemType} needs at least ${n * BigInt(itemBytes)} bytes, but the file has ${c.remaining} left; the file is corrupt or truncated`
    );
  const count = Number(n);
  if (itemType === "string" || itemType === "array" || itemType === "bool") {
    const values = c.budget.list<never>(count, subject, start);
    if (itemType === "bool") {
      await c.need(count, subject);
      const bytes = c.bytes(count);
      for (let i = 0; i < count; i++) (values as boolean[])[i] = bytes[i] !== 0;
    } else if (itemType === "string") {
      // vocabularies are arrays of 10^5 strings: decode those already in the window without awaiting
      for (let i = 0; i < count; i++)
        (values as string[])[i] = stringInWindow(c) ?? (await readString(c, `${subject}[${i}]`));
    } else {
      for (let i = 0; i < count; i++) (values as GgufArray[])[i] = await readArray(c, `${subject}[${i}]`, depth + 1);
    }
    return {itemType, values};
  }
  const ctor = NUMERIC[itemType];
  const values = c.budget.typed(
    ctor as {new (n: number): Uint8Array; BYTES_PER_ELEMENT: number},
    count,
    subject,
    start
  );
  const byteLength = count * ctor.BYTES_PER_ELEMENT;
  await c.need(byteLength, subject);
  // the host is little-endian (checked below), so the file's bytes are the values
  new Uint8Array(values.buffer).set(c.bytes(byteLength));
  return {itemType, values: values as unknown as GgufArray["values"]};
}

function readAlignment(metadata: GgufMetadata, file: string): number {
  const entry = metadata.get("general.alignment");
  if (entry === undefined) return DEFAULT_ALIGNMENT;
  const subject = `key "general.alignment"`;
  if (entry.type !== "u32") throw new GgufError(file, entry.offset, subject, `has type ${entry.type}, must be u32`);
  const a = entry.value as number;
  if (a === 0 || (a & (a - 1)) !== 0)
    throw new GgufError(file, entry.offset, subject, `is ${a}, must be a power of two`);
  return a;
}

function checkOverlaps(tensors: readonly GgufTensorInfo[], file: string): void {
  const sorted = tensors.filter((t) => t.size > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const t = sorted[i]!;
    if (t.offset < prev.offset + prev.size)
      throw new GgufError(
        file,
        t.infoOffset,
        `tensor "${t.name}"`,
        `data (bytes ${t.fileOffset}..${t.fileOffset + t.size}) overlaps tensor "${prev.name}" (bytes ${prev.fileOffset}..${prev.fileOffset + prev.size})`
      );
  }
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new Error("the GGUF reader needs a little-endian host (every browser and Node platform in use is)");

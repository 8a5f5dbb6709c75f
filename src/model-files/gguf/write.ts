// Writing a GGUF v3 file (the layout read.ts reads; gguf.cpp's gguf_write_to_buf at llama.cpp c392e5094):
//
//   "GGUF" · u32 3 · u64 n_tensors · u64 n_kv · the metadata · the tensor infos · zeros to general.alignment ·
//   each tensor's bytes, each padded with zeros to general.alignment (the infos' offsets count from the data start)
//
// The file comes out as a list of parts (the header, then each tensor's bytes and padding) whose concatenation is the
// file, so a multi-hundred-megabyte model is never copied into one buffer: Node writes the parts in turn, a browser
// makes a Blob of them. ggufParts makes each tensor's bytes only when it is written (lazy tensors), so a model need
// never be held whole. Everything is checked first, each problem a GgufError naming the key or tensor.
import {GgufError} from "./errors.ts";
import {ggmlTypeByName} from "./ggml-types.ts";
import {GGUF_VALUE_TYPES, type GgufArray, type GgufValue, type GgufValueType} from "./metadata.ts";
import {DEFAULT_ALIGNMENT, MAX_DIMS} from "./read.ts";

export interface GgufOutEntry {
  readonly key: string;
  readonly type: GgufValueType;
  /** as the reader returns it: number, bigint for u64/i64, boolean, string, or a GgufArray */
  readonly value: GgufValue;
}

export interface GgufOutTensor {
  readonly name: string;
  /** ggml type name, e.g. "Q4_K" */
  readonly type: string;
  /** ggml's ne order: shape[0] is the row length */
  readonly shape: readonly number[];
  /** the tensor's bytes in that type */
  readonly data: Uint8Array;
}

export interface GgufOut {
  /** in the order they are written */
  readonly metadata: readonly GgufOutEntry[];
  /** in the order they are written */
  readonly tensors: readonly GgufOutTensor[];
}

const MAX_NAME_BYTES = 63;
const encoder = new TextEncoder();

/** A tensor whose bytes are made when the writer reaches it (a model too large to hold quantized at once). */
export interface GgufLazyTensor {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly number[];
  /** the tensor's bytes in that type, asked for once, in the written order */
  data(): Uint8Array | Promise<Uint8Array>;
}

export interface GgufLazyOut {
  readonly metadata: readonly GgufOutEntry[];
  readonly tensors: readonly GgufLazyTensor[];
}

/** The file as parts to write in order (header, then per tensor its bytes and padding). */
export function encodeGguf(file: GgufOut, name = "out.gguf"): Uint8Array[] {
  const {header, padding} = ggufHeader(file, name);
  const parts = [header];
  file.tensors.forEach((t, i) => {
    checkData(t, t.data, name);
    parts.push(t.data);
    if (padding[i]) parts.push(new Uint8Array(padding[i]));
  });
  return parts;
}

/**
 * The same parts, each tensor's bytes made only when the previous part has been taken: the header (everything
 * checked but the tensors' bytes), then per tensor its bytes (checked against its shape and type) and padding.
 */
export async function* ggufParts(file: GgufLazyOut, name = "out.gguf"): AsyncGenerator<Uint8Array> {
  const {header, padding} = ggufHeader(file, name);
  yield header;
  for (let i = 0; i < file.tensors.length; i++) {
    const t = file.tensors[i]!;
    const data = await t.data();
    checkData(t, data, name);
    yield data;
    if (padding[i]) yield new Uint8Array(padding[i]);
  }
}

/** Header, metadata, tensor infos and the padding to the data; the padding after each tensor's bytes. */
function ggufHeader(
  file: {metadata: readonly GgufOutEntry[]; tensors: readonly Omit<GgufOutTensor, "data">[]},
  name: string
): {header: Uint8Array; padding: number[]} {
  const fail = (subject: string, problem: string) => new GgufError(name, undefined, subject, problem);
  const alignment = alignmentOf(file.metadata, fail);
  const w = new ByteWriter();
  w.bytes(encoder.encode("GGUF"));
  w.u32(3);
  w.u64(BigInt(file.tensors.length));
  w.u64(BigInt(file.metadata.length));
  const keys = new Set<string>();
  for (const e of file.metadata) {
    const subject = `key "${e.key}"`;
    if (keys.has(e.key)) throw fail(subject, "is given twice; a GGUF key appears once");
    keys.add(e.key);
    w.string(e.key);
    w.i32(GGUF_VALUE_TYPES.indexOf(e.type));
    writeValue(w, e.type, e.value, subject, fail);
  }
  const names = new Set<string>();
  let offset = 0;
  const padding: number[] = [];
  for (const t of file.tensors) {
    const subject = `tensor "${t.name}"`;
    if (names.has(t.name)) throw fail(subject, "is given twice; tensor names are unique");
    names.add(t.name);
    if (encoder.encode(t.name).byteLength > MAX_NAME_BYTES)
      throw fail(subject, `name is longer than ggml's ${MAX_NAME_BYTES} bytes`);
    const size = checkTensor(t, subject, fail);
    w.string(t.name);
    w.u32(t.shape.length);
    for (const ne of t.shape) w.u64(BigInt(ne));
    w.i32(ggmlTypeByName(t.type)!.id);
    w.u64(BigInt(offset));
    const padded = alignUp(size, alignment);
    padding.push(padded - size);
    offset += padded;
  }
  w.zeros(alignUp(w.length, alignment) - w.length);
  return {header: w.result(), padding};
}

/** The whole file in one buffer (small files, tests). */
export function ggufBytes(file: GgufOut, name?: string): Uint8Array {
  const parts = encodeGguf(file, name);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

type Fail = (subject: string, problem: string) => GgufError;

function alignmentOf(metadata: readonly GgufOutEntry[], fail: Fail): number {
  const e = metadata.find((m) => m.key === "general.alignment");
  if (!e) return DEFAULT_ALIGNMENT;
  const a = e.value;
  if (e.type !== "u32" || typeof a !== "number" || a === 0 || (a & (a - 1)) !== 0)
    throw fail(`key "general.alignment"`, `must be a u32 power of two, not ${e.type} ${String(a)}`);
  return a;
}

/** Checks a tensor's type and shape; returns its size in bytes. */
function checkTensor(t: Omit<GgufOutTensor, "data">, subject: string, fail: Fail): number {
  const type = ggmlTypeByName(t.type);
  if (!type) throw fail(subject, `has unknown ggml type ${t.type}`);
  if (t.shape.length < 1 || t.shape.length > MAX_DIMS)
    throw fail(subject, `has ${t.shape.length} dimensions; ggml allows 1 to ${MAX_DIMS}`);
  if (!t.shape.every((ne) => Number.isSafeInteger(ne) && ne >= 0))
    throw fail(subject, `shape [${t.shape.join(", ")}] must be non-negative integers`);
  const row = t.shape[0]!;
  if (row % type.blockSize !== 0)
    throw fail(subject, `rows of ${row} values are not a multiple of ${type.name}'s block of ${type.blockSize}`);
  return byteSize(t);
}

function byteSize(t: Omit<GgufOutTensor, "data">): number {
  const {blockSize, typeSize} = ggmlTypeByName(t.type)!;
  const rows = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return rows * (t.shape[0]! / blockSize) * typeSize;
}

/** A tensor's bytes against its (already checked) type and shape. */
function checkData(t: Omit<GgufOutTensor, "data">, data: Uint8Array, name: string): void {
  const size = byteSize(t);
  if (data.byteLength !== size)
    throw new GgufError(
      name,
      undefined,
      `tensor "${t.name}"`,
      `has ${data.byteLength} bytes; [${t.shape.join(", ")}] of ${t.type} takes ${size}`
    );
}

type Scalar = {bytes: number; set: (v: DataView, o: number, x: number | bigint) => void};
const num = (bytes: number, set: (v: DataView, o: number, x: number) => void): Scalar => ({
  bytes,
  set: (v, o, x) => set(v, o, x as number)
});
const big = (set: (v: DataView, o: number, x: bigint) => void): Scalar => ({
  bytes: 8,
  set: (v, o, x) => set(v, o, x as bigint)
});

const NUMERIC: Partial<Record<GgufValueType, Scalar>> = {
  u8: num(1, (v, o, x) => v.setUint8(o, x)),
  i8: num(1, (v, o, x) => v.setInt8(o, x)),
  u16: num(2, (v, o, x) => v.setUint16(o, x, true)),
  i16: num(2, (v, o, x) => v.setInt16(o, x, true)),
  u32: num(4, (v, o, x) => v.setUint32(o, x, true)),
  i32: num(4, (v, o, x) => v.setInt32(o, x, true)),
  f32: num(4, (v, o, x) => v.setFloat32(o, x, true)),
  f64: num(8, (v, o, x) => v.setFloat64(o, x, true)),
  u64: big((v, o, x) => v.setBigUint64(o, x, true)),
  i64: big((v, o, x) => v.setBigInt64(o, x, true))
};

const TYPED_ARRAYS: Partial<Record<GgufValueType, unknown>> = {
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
};

const INT_RANGE: Partial<Record<GgufValueType, [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff]
};

function writeValue(w: ByteWriter, type: GgufValueType, value: GgufValue, subject: string, fail: Fail): void {
  const wrong = () => fail(subject, `value ${String(value)} is not a ${type}`);
  if (type === "string") {
    if (typeof value !== "string") throw wrong();
    w.string(value);
  } else if (type === "bool") {
    if (typeof value !== "boolean") throw wrong();
    w.u8(value ? 1 : 0);
  } else if (type === "array") {
    if (typeof value !== "object") throw wrong();
    writeArray(w, value, subject, fail);
  } else if (type === "u64" || type === "i64") {
    if (typeof value !== "bigint" && !(typeof value === "number" && Number.isSafeInteger(value))) throw wrong();
    w.scalar(NUMERIC[type]!, BigInt(value));
  } else {
    if (typeof value !== "number") throw wrong();
    const range = INT_RANGE[type];
    if (range && !(Number.isInteger(value) && value >= range[0] && value <= range[1])) throw wrong();
    w.scalar(NUMERIC[type]!, value);
  }
}

function writeArray(w: ByteWriter, a: GgufArray, subject: string, fail: Fail): void {
  w.i32(GGUF_VALUE_TYPES.indexOf(a.itemType));
  w.u64(BigInt(a.values.length));
  const values = a.values;
  if (ArrayBuffer.isView(values)) {
    // a typed array's bytes are the file's (little-endian host, checked by read.ts)
    if (values.constructor !== TYPED_ARRAYS[a.itemType])
      throw fail(subject, `holds a typed array that is not ${a.itemType}`);
    w.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return;
  }
  for (let i = 0; i < values.length; i++) writeValue(w, a.itemType, values[i]!, `${subject}[${i}]`, fail);
}

/** A growable little-endian byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): number {
    if (this.length + n > this.buf.byteLength) {
      const next = new Uint8Array(Math.max(this.buf.byteLength * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  // room() may replace buf and view, so each write takes its offset before touching them
  u8(x: number) {
    const at = this.room(1);
    this.view.setUint8(at, x);
  }
  u32(x: number) {
    const at = this.room(4);
    this.view.setUint32(at, x, true);
  }
  i32(x: number) {
    const at = this.room(4);
    this.view.setInt32(at, x, true);
  }
  u64(x: bigint) {
    const at = this.room(8);
    this.view.setBigUint64(at, x, true);
  }
  scalar(n: Scalar, x: number | bigint) {
    const at = this.room(n.bytes);
    n.set(this.view, at, x);
  }
  bytes(b: Uint8Array) {
    const at = this.room(b.byteLength);
    this.buf.set(b, at);
  }
  zeros(n: number) {
    const at = this.room(n);
    this.buf.fill(0, at, this.length);
  }
  string(s: string) {
    const b = encoder.encode(s);
    this.u64(BigInt(b.byteLength));
    this.bytes(b);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

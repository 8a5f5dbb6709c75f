// Writes small GGUF files for tests (valid ones, and ones broken on purpose): the layout of
// src/model-files/gguf/read.ts, little-endian, every value type. Not a product writer: no checks.
import {GGUF_VALUE_TYPES, type GgufValueType} from "../../src/model-files/gguf/index.ts";

export type TestValue = {type: GgufValueType; value: unknown; itemType?: GgufValueType};

export interface TestTensor {
  name: string;
  /** ggml type id */
  type: number;
  shape: number[];
  /** offset from the data section; default: packed in order, aligned */
  offset?: number;
  /** data bytes; default: size bytes of a pattern */
  size: number;
}

export interface TestFile {
  version?: number;
  kv?: [string, TestValue][];
  tensors?: TestTensor[];
  alignment?: number;
  /** bytes dropped from the end */
  truncate?: number;
}

class Out {
  private chunks: number[] = [];
  get length() {
    return this.chunks.length;
  }
  u8(v: number) {
    this.chunks.push(v & 0xff);
  }
  raw(bytes: ArrayLike<number>) {
    for (let i = 0; i < bytes.length; i++) this.chunks.push(bytes[i]!);
  }
  num(v: number | bigint, type: GgufValueType) {
    const dv = new DataView(new ArrayBuffer(8));
    const size = {u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8}[type as "u8"];
    if (type === "u8" || type === "bool") dv.setUint8(0, Number(v));
    else if (type === "i8") dv.setInt8(0, Number(v));
    else if (type === "u16") dv.setUint16(0, Number(v), true);
    else if (type === "i16") dv.setInt16(0, Number(v), true);
    else if (type === "u32") dv.setUint32(0, Number(v), true);
    else if (type === "i32") dv.setInt32(0, Number(v), true);
    else if (type === "f32") dv.setFloat32(0, Number(v), true);
    else if (type === "f64") dv.setFloat64(0, Number(v), true);
    else if (type === "u64") dv.setBigUint64(0, BigInt(v), true);
    else if (type === "i64") dv.setBigInt64(0, BigInt(v), true);
    this.raw(new Uint8Array(dv.buffer, 0, size));
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.num(b.length, "u64");
    this.raw(b);
  }
  bytes() {
    return Uint8Array.from(this.chunks);
  }
}

const typeId = (t: GgufValueType) => GGUF_VALUE_TYPES.indexOf(t);

function writeValue(o: Out, v: TestValue) {
  if (v.type === "string") o.str(v.value as string);
  else if (v.type === "bool") o.u8(v.value ? 1 : 0);
  else if (v.type === "array") {
    const items = v.value as unknown[];
    o.num(typeId(v.itemType!), "i32");
    o.num(items.length, "u64");
    for (const item of items)
      writeValue(o, v.itemType === "array" ? (item as TestValue) : {type: v.itemType!, value: item});
  } else o.num(v.value as number | bigint, v.type);
}

export function writeGguf(f: TestFile): Uint8Array {
  const alignment = f.alignment ?? 32;
  const kv = f.kv ?? [];
  const tensors = f.tensors ?? [];
  const o = new Out();
  o.raw(new TextEncoder().encode("GGUF"));
  o.num(f.version ?? 3, "u32");
  o.num(tensors.length, "u64");
  o.num(kv.length, "u64");
  for (const [key, v] of kv) {
    o.str(key);
    o.num(typeId(v.type), "i32");
    writeValue(o, v);
  }
  let next = 0;
  const offsets = tensors.map((t) => {
    const offset = t.offset ?? next;
    next = Math.ceil((offset + t.size) / alignment) * alignment;
    return offset;
  });
  tensors.forEach((t, i) => {
    o.str(t.name);
    o.num(t.shape.length, "u32");
    for (const ne of t.shape) o.num(ne, "i64");
    o.num(t.type, "i32");
    o.num(offsets[i]!, "u64");
  });
  while (o.length % alignment !== 0) o.u8(0);
  const dataStart = o.length;
  const end = Math.max(0, ...tensors.map((t, i) => offsets[i]! + t.size));
  const data = new Uint8Array(end);
  tensors.forEach((t, i) => {
    for (let k = 0; k < t.size; k++) data[offsets[i]! + k] = (i * 31 + k) & 0xff;
  });
  const out = new Uint8Array(dataStart + end);
  out.set(o.bytes());
  out.set(data, dataStart);
  return f.truncate ? out.subarray(0, out.length - f.truncate) : out;
}

/** A small valid file with every value type, a nested array and tensors of several ggml types. */
export function sampleFile(overrides: Partial<TestFile> = {}): TestFile {
  return {
    kv: [
      ["general.architecture", {type: "string", value: "llama"}],
      ["t.u8", {type: "u8", value: 200}],
      ["t.i8", {type: "i8", value: -100}],
      ["t.u16", {type: "u16", value: 60000}],
      ["t.i16", {type: "i16", value: -30000}],
      ["t.u32", {type: "u32", value: 4000000000}],
      ["t.i32", {type: "i32", value: -2000000000}],
      ["t.f32", {type: "f32", value: 1.5}],
      ["t.bool", {type: "bool", value: true}],
      ["t.u64", {type: "u64", value: 2n ** 60n}],
      ["t.i64", {type: "i64", value: -(2n ** 60n)}],
      ["t.f64", {type: "f64", value: Math.PI}],
      ["t.string", {type: "string", value: "héllo ▁wörld"}],
      ["t.strings", {type: "array", itemType: "string", value: ["a", "", "▁b", "<0x0A>"]}],
      ["t.f32s", {type: "array", itemType: "f32", value: [0.5, -2, 3.25]}],
      ["t.i32s", {type: "array", itemType: "i32", value: [1, -2, 3]}],
      ["t.bools", {type: "array", itemType: "bool", value: [true, false, true]}],
      ["t.u64s", {type: "array", itemType: "u64", value: [1n, 2n ** 63n]}],
      [
        "t.nested",
        {
          type: "array",
          itemType: "array",
          value: [
            {type: "array", itemType: "u16", value: [1, 2]},
            {type: "array", itemType: "string", value: ["x"]}
          ]
        }
      ]
    ],
    tensors: [
      {name: "a.f32", type: 0, shape: [4, 3], size: 48},
      {name: "b.q8_0", type: 8, shape: [64, 2], size: 2 * 2 * 34},
      {name: "c.q4_k", type: 12, shape: [256], size: 144},
      {name: "d.f16", type: 1, shape: [5], size: 10},
      {name: "e.empty", type: 0, shape: [0, 7], size: 0}
    ],
    ...overrides
  };
}

// GGUF metadata: typed key/value pairs in file order, with accessors that check the type the way llama.cpp's
// model loader does (a key of the wrong type is an error naming the key and its offset, not a silent conversion).
import {GgufError} from "./errors.ts";

/** GGUF value types by their id in the file (gguf.h `gguf_type`). */
export const GGUF_VALUE_TYPES = [
  "u8",
  "i8",
  "u16",
  "i16",
  "u32",
  "i32",
  "f32",
  "bool",
  "string",
  "array",
  "u64",
  "i64",
  "f64"
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];

export type GgufNumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

export interface GgufArray {
  readonly itemType: GgufValueType;
  /** typed array for numbers (u64/i64 as BigInt arrays), string[], boolean[], or GgufArray[] for nested arrays */
  readonly values: GgufNumericArray | readonly string[] | readonly boolean[] | readonly GgufArray[];
}

/** u8…i32, f32, f64 → number; u64, i64 → bigint; bool → boolean; string → string; array → GgufArray */
export type GgufValue = number | bigint | boolean | string | GgufArray;

export interface GgufEntry {
  readonly key: string;
  readonly type: GgufValueType;
  readonly value: GgufValue;
  /** file offset of the key's length field */
  readonly offset: number;
}

export class GgufMetadata {
  private readonly byKey: ReadonlyMap<string, GgufEntry>;

  constructor(
    readonly file: string,
    /** in file order */
    readonly entries: readonly GgufEntry[]
  ) {
    this.byKey = new Map(entries.map((e) => [e.key, e]));
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): GgufEntry | undefined {
    return this.byKey.get(key);
  }

  getString(key: string, fallback?: string): string {
    return this.typed(key, "string", fallback) as string;
  }
  getU32(key: string, fallback?: number): number {
    return this.typed(key, "u32", fallback) as number;
  }
  getI32(key: string, fallback?: number): number {
    return this.typed(key, "i32", fallback) as number;
  }
  getF32(key: string, fallback?: number): number {
    return this.typed(key, "f32", fallback) as number;
  }
  getBool(key: string, fallback?: boolean): boolean {
    return this.typed(key, "bool", fallback) as boolean;
  }
  /** A u64 as a number; refuses one above 2^53 rather than rounding it. */
  getU64(key: string, fallback?: number): number {
    const v = this.typed(key, "u64", fallback === undefined ? undefined : BigInt(fallback)) as bigint;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.error(key, `is ${v}, too large to use as a number`);
    return Number(v);
  }

  getArray(key: string, itemType?: GgufValueType): GgufArray {
    const a = this.typed(key, "array", undefined) as GgufArray;
    if (itemType !== undefined && a.itemType !== itemType)
      throw this.error(key, `is an array of ${a.itemType}, expected an array of ${itemType}`);
    return a;
  }
  getStringArray(key: string): readonly string[] {
    return this.getArray(key, "string").values as readonly string[];
  }
  getF32Array(key: string): Float32Array {
    return this.getArray(key, "f32").values as Float32Array;
  }
  getI32Array(key: string): Int32Array {
    return this.getArray(key, "i32").values as Int32Array;
  }

  private typed(key: string, type: GgufValueType, fallback: GgufValue | undefined): GgufValue {
    const e = this.byKey.get(key);
    if (e === undefined) {
      if (fallback !== undefined) return fallback;
      throw new GgufError(this.file, undefined, `key "${key}"`, "is missing; this file was not written for this use");
    }
    if (e.type !== type) throw this.error(key, `has type ${e.type}, expected ${type}`);
    return e.value;
  }

  private error(key: string, problem: string): GgufError {
    return new GgufError(this.file, this.byKey.get(key)?.offset, `key "${key}"`, problem);
  }
}

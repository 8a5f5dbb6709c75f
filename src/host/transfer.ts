// Zero-copy results: every typed array in a result is moved (its ArrayBuffer transferred), never JSON-encoded.
// Structured clone copies a view's WHOLE buffer, and transferring a view's buffer detaches everything else in it,
// so a view that does not own its buffer (e.g. a slice of engine state) is copied to an array of its own first.
import type {LoadArgs} from "./protocol.ts";

const TYPED_ARRAYS = [
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array
];

/** A copy of a view's bytes in a buffer of its own, as a standard typed array (a Node Buffer becomes a Uint8Array). */
function copyView(v: ArrayBufferView): ArrayBufferView {
  const bytes = (v.buffer as ArrayBuffer).slice(v.byteOffset, v.byteOffset + v.byteLength);
  const Typed = TYPED_ARRAYS.find((T) => v instanceof T);
  return Typed ? new Typed(bytes) : new DataView(bytes);
}

const ownsBuffer = (v: ArrayBufferView) =>
  v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;

/** The value with every typed array owning its buffer, and the buffers to transfer. */
export function prepareTransfer<T>(value: T): {value: T; transfer: ArrayBuffer[]} {
  const transfer = new Set<ArrayBuffer>();
  const visit = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      if (!(v.buffer instanceof ArrayBuffer)) return v; // shared memory: nothing to move
      const own = ownsBuffer(v) && !transfer.has(v.buffer as ArrayBuffer) ? v : copyView(v);
      transfer.add(own.buffer as ArrayBuffer);
      return own;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return {value: visit(value) as T, transfer: [...transfer]};
}

/**
 * The arguments of an op as they leave the page. Only load's checkpoint and tokenizer bytes are moved (tokens and
 * other arrays are copied: the caller keeps using them). URLs become absolute strings: a URL object cannot be
 * cloned, and a Worker would resolve a relative one against its own script.
 */
export function outgoingArgs(op: string, args: unknown): {args: unknown; transfer: ArrayBuffer[]} {
  if (op !== "load" || !args || typeof args !== "object") return {args, transfer: []};
  const load = {...(args as LoadArgs)};
  const transfer: ArrayBuffer[] = [];
  for (const key of ["checkpoint", "tokenizer"] as const) {
    const source = load[key];
    if (typeof source === "string" || source instanceof URL) load[key] = absoluteUrl(source);
    else if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
      const moved = prepareTransfer(source instanceof ArrayBuffer ? new Uint8Array(source) : source);
      load[key] = moved.value;
      transfer.push(...moved.transfer);
    }
  }
  return {args: load, transfer};
}

function absoluteUrl(url: string | URL): string {
  const base = (globalThis as {location?: {href: string}}).location?.href;
  try {
    return new URL(url, base).href;
  } catch {
    return String(url); // no base (Node): the engine reports a bad URL when it fetches
  }
}

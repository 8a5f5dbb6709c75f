// The one WebAssembly memory the fast kernels read and write, sized once up front and handed out by a bump allocator.
// Why up front: growing a plain memory detaches every Float32Array view of it, and the engine keeps views for the
// whole life of a model. So the caller asks for the total first (the engine's size functions give it), the memory is
// created at that size, and `alloc` never grows it: a request past the end throws a message that says how much more
// was needed. With `shared: true` the memory is a SharedArrayBuffer that worker threads can see (cross-origin
// isolated pages and Node only).
import type {WeightRegion} from "../formats/kernels.ts";

/** Bytes below this offset are left to the module itself (it has no static data today; a page costs nothing). */
export const ARENA_BASE = 65536;
/** Every allocation starts on a 64-byte boundary (a cache line; v128 loads need no alignment but like it). */
export const ARENA_ALIGN = 64;
const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_ARENA_BYTES = 2 ** 32 - PAGE;

export interface Arena {
  readonly memory: WebAssembly.Memory;
  /** the memory's buffer, fixed for the arena's life: a view lives in the arena iff `view.buffer === buffer` */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly shared: boolean;
  /** bytes usable for allocations */
  readonly capacity: number;
  /** bytes handed out so far (alignment padding included) */
  readonly used: number;
  /** number of allocations so far: a test counts these around a decode loop */
  readonly allocations: number;
  /** a zeroed Float32Array of `floats` elements in the arena: the engine's `Alloc` */
  alloc: (floats: number) => Float32Array;
  /** a zeroed Uint8Array of `bytes` bytes in the arena (quantized blocks) */
  allocBytes: (bytes: number) => Uint8Array;
  /** true when the view lies in this arena's memory, so a kernel can take its byteOffset as a pointer */
  owns: (view: ArrayBufferView) => boolean;
}

export interface ArenaSpec {
  /** bytes the caller will allocate, padding for alignment included by the caller or via arenaBytes() */
  bytes: number;
  /** a shared memory for worker threads (default false) */
  shared?: boolean;
}

/** Bytes an arena needs for allocations of these sizes (in floats), alignment padding included. */
export function arenaBytes(...floatCounts: number[]): number {
  return floatCounts.reduce((sum, n) => sum + alignUp(4 * n), 0);
}

const alignUp = (bytes: number) => Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN;

export function createArena({bytes, shared = false}: ArenaSpec): Arena {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`invalid arena size: ${bytes}`);
  const total = ARENA_BASE + alignUp(bytes);
  if (total > MAX_ARENA_BYTES)
    throw new Error(
      `arena of ${mib(total)} is larger than the 4 GiB WebAssembly allows; use a smaller model or the reference kernels`
    );
  if (shared && typeof SharedArrayBuffer === "undefined")
    throw new Error("shared memory needs SharedArrayBuffer: serve the page cross-origin isolated (COOP/COEP headers)");
  const pages = Math.ceil(total / PAGE);
  const memory = new WebAssembly.Memory(shared ? {initial: pages, maximum: pages, shared: true} : {initial: pages});
  const buffer = memory.buffer;
  const end = pages * PAGE;
  let next = ARENA_BASE;
  let allocations = 0;

  const take = (byteLength: number): number => {
    if (!Number.isInteger(byteLength) || byteLength < 0)
      throw new Error(`invalid allocation size: ${byteLength} bytes`);
    const start = next;
    if (start + byteLength > end)
      throw new Error(
        `arena full: ${byteLength} bytes asked, ${end - start} left of ${mib(end - ARENA_BASE)}; ` +
          `size the arena with arenaBytes() for every buffer the model needs`
      );
    next = start + alignUp(byteLength);
    allocations++;
    return start;
  };

  return {
    memory,
    buffer,
    shared,
    capacity: end - ARENA_BASE,
    get used() {
      return next - ARENA_BASE;
    },
    get allocations() {
      return allocations;
    },
    alloc: (floats) => new Float32Array(buffer, take(4 * floats), floats),
    allocBytes: (n) => new Uint8Array(buffer, take(n), n),
    owns: (view) => view.buffer === buffer
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * A WeightRegion of `bytes` taken from the arena now: the quant providers put cached floats, dequant scratch and
 * placed blocks there (where the kernels read them), and empty it as a whole when their settings change.
 */
export function createWeightRegion(arena: Arena, bytes: number): WeightRegion {
  const base = arena.allocBytes(bytes).byteOffset;
  let next = 0;
  let epoch = 0;
  const take = (byteLength: number): number | null => {
    const start = next;
    if (start + byteLength > bytes) return null;
    next = start + alignUp(byteLength);
    return base + start;
  };
  return {
    capacity: bytes,
    get epoch() {
      return epoch;
    },
    clear() {
      next = 0;
      epoch++;
    },
    floats(n) {
      const at = take(4 * n);
      return at === null ? null : new Float32Array(arena.buffer, at, n);
    },
    bytes(n) {
      const at = take(n);
      return at === null ? null : new Uint8Array(arena.buffer, at, n);
    }
  };
}

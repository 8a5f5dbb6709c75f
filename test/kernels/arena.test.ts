import {describe, expect, it} from "vitest";
import {ARENA_ALIGN, arenaBytes, createArena} from "../../src/kernels/index.ts";

describe("createArena({bytes, shared})", () => {
  it("alloc(floats) hands out zeroed, aligned, non-overlapping views of the one memory", () => {
    const arena = createArena({bytes: arenaBytes(10, 3, 100)});
    const a = arena.alloc(10);
    const b = arena.alloc(3);
    const c = arena.alloc(100);
    for (const v of [a, b, c]) {
      expect(v.buffer).toBe(arena.memory.buffer);
      expect(v.byteOffset % ARENA_ALIGN).toBe(0);
      expect(v.every((x) => x === 0)).toBe(true);
    }
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength);
    expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.byteLength);
    expect(arena.allocations).toBe(3);
    expect(arena.owns(a)).toBe(true);
    expect(arena.owns(new Float32Array(10))).toBe(false);
  });

  it("alloc(floats) past the capacity throws a message naming the shortfall, and allocates nothing", () => {
    const arena = createArena({bytes: arenaBytes(16)});
    arena.alloc(16);
    const used = arena.used;
    expect(() => arena.alloc(1 << 20)).toThrow(/arena full: 4194304 bytes asked/);
    expect(arena.used).toBe(used);
    expect(() => arena.alloc(-1)).toThrow(/invalid allocation size/);
  });

  it("createArena({bytes}) rejects sizes WebAssembly cannot address before allocating", () => {
    expect(() => createArena({bytes: 2 ** 33})).toThrow(/larger than the 4 GiB/);
    expect(() => createArena({bytes: NaN})).toThrow(/invalid arena size: NaN/);
  });

  it("createArena({shared: true}) gives views over a SharedArrayBuffer", () => {
    const arena = createArena({bytes: arenaBytes(8), shared: true});
    expect(arena.alloc(8).buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

// Two threads over one shared memory (Node worker_threads): every row-split kernel gives the same numbers as on one
// thread, the pool really split the work (calls.parallel), and small jobs stay on the calling thread.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {referenceKernels as ref} from "../../src/engine/backend.ts";
import {createArena, createWasmKernels, referenceQuantKernels, type WasmKernels} from "../../src/kernels/index.ts";
import {spawnNodeWorker} from "../../src/kernels/threads.node.ts";
import {q4_0} from "../../src/formats/q4_0.ts";
import {q4_1} from "../../src/formats/q4_1.ts";
import {q8_0} from "../../src/formats/q8_0.ts";
import {quantizeMatrix} from "../../src/quant/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {FUSED_KERNELS} from "../../src/kernels/wasm-kernels.ts";
import {randomMatrix} from "./blocks.ts";
import {fillLcg} from "./data.ts";
import {DOT_TOL} from "./tolerances.ts";

let wk: WasmKernels;
let arena: ReturnType<typeof createArena>;

beforeAll(async () => {
  arena = createArena({bytes: 48 << 20, shared: true});
  wk = await createWasmKernels({arena, maxN: 1024, threads: 2, spawn: spawnNodeWorker});
});
afterAll(() => wk.close());

const data = (n: number, seed: number) => fillLcg(arena.alloc(n), seed);

/** Runs fn and returns how many calls were split across threads. */
function parallelCalls(fn: () => void): number {
  const before = wk.calls.parallel;
  fn();
  return wk.calls.parallel - before;
}

describe("createWasmKernels({threads: 2, spawn: spawnNodeWorker})", () => {
  it("backendName says two threads and the arena is shared", () => {
    expect(wk.backendName).toBe("wasm-simd128 ×2 threads");
    expect(arena.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  for (const [n, d] of [
    [288, 32000],
    [768, 288],
    [288, 13]
  ] as const) {
    it(`matvec(out, x, w, ${n}, ${d}) split across threads matches the reference`, () => {
      wk.minParallelFlops = 0;
      const x = data(n, 1);
      const w = data(n * d, 2);
      const out = arena.alloc(d);
      const expected = new Float32Array(d);
      ref.matvec(expected, x, w, n, d);
      expect(parallelCalls(() => wk.kernels.matvec(out, x, w, n, d))).toBe(1);
      expectClose(out, expected, DOT_TOL, "matvec ×2");
    });
  }

  for (const [T, n, d] of [
    [64, 288, 768],
    [17, 100, 35]
  ] as const) {
    it(`matmul(out, x, w, ${T}, ${n}, ${d}) split across threads (a panel each) matches the reference`, () => {
      wk.minParallelFlops = 0;
      const x = data(T * n, 3);
      const w = data(n * d, 4);
      const out = arena.alloc(T * d);
      const expected = new Float32Array(T * d);
      ref.matmul(expected, x, w, T, n, d);
      expect(parallelCalls(() => wk.kernels.matmul(out, x, w, T, n, d))).toBe(1);
      expectClose(out, expected, DOT_TOL, "matmul ×2");
    });
  }

  for (const codec of [q8_0, q4_0, q4_1]) {
    it(`matvecQuant and matvecQuantQ8(out, x, ${codec.name} 768×288) split across threads match the reference`, () => {
      wk.minParallelFlops = 0;
      const q0 = quantizeMatrix(codec, fillLcg(new Float32Array(768 * 288), 5), 768, 288);
      const blocks = arena.allocBytes(q0.data.length);
      blocks.set(q0.data);
      const q = {...q0, data: blocks};
      const x = data(288, 6);
      const out = arena.alloc(768);
      const expected = new Float32Array(768);
      const reference = referenceQuantKernels();
      reference.matvecQuant(expected, x, q);
      expect(parallelCalls(() => wk.quant.matvecQuant(out, x, q))).toBe(1);
      expectClose(out, expected, DOT_TOL, `${codec.name} fused ×2`);
      reference.matvecQuantQ8(expected, x, q);
      expect(parallelCalls(() => wk.quant.matvecQuantQ8(out, x, q))).toBe(1);
      expectClose(out, expected, DOT_TOL, `${codec.name} integer ×2`);
    });
  }

  for (const [codec] of [...FUSED_KERNELS].filter(([, k]) => k.vecDot !== null))
    it(`matvecVecDot(out, x, ${codec.name} 67×512): the llama.cpp integer path on 2 threads equals 1 thread`, () => {
      const q = randomMatrix(arena.allocBytes, codec, 67, 512, 9);
      const x = data(512, 10);
      const one = arena.alloc(67);
      const two = arena.alloc(67);
      wk.minParallelFlops = Infinity;
      expect(parallelCalls(() => wk.quant.matvecVecDot(one, x, q))).toBe(0);
      wk.minParallelFlops = 0;
      expect(parallelCalls(() => wk.quant.matvecVecDot(two, x, q))).toBe(1);
      // each row is the same arithmetic whichever thread runs it
      expect(Array.from(two), codec.name).toEqual(Array.from(one));
    });

  for (const [codec] of [...FUSED_KERNELS].filter(([, k]) => k.matmul))
    it(`matmulQuant(out, x, 7, ${codec.name} 67×512): the fused prefill on 2 threads equals 1 thread`, () => {
      const q = randomMatrix(arena.allocBytes, codec, 67, 512, 11);
      const x = data(7 * 512, 12);
      const one = arena.alloc(7 * 67);
      const two = arena.alloc(7 * 67);
      wk.minParallelFlops = Infinity;
      expect(parallelCalls(() => wk.quant.matmulQuant(one, x, 7, q))).toBe(0);
      wk.minParallelFlops = 0;
      expect(
        parallelCalls(() => wk.quant.matmulQuant(two, x, 7, q)),
        "one split per tile of 4 tokens"
      ).toBe(2);
      expect(Array.from(two), codec.name).toEqual(Array.from(one));
    });

  it("a job below minParallelFlops stays on the calling thread", () => {
    wk.minParallelFlops = 1e9;
    const [n, d] = [288, 288];
    const x = data(n, 7);
    const w = data(n * d, 8);
    const out = arena.alloc(d);
    expect(parallelCalls(() => wk.kernels.matvec(out, x, w, n, d))).toBe(0);
    const expected = new Float32Array(d);
    ref.matvec(expected, x, w, n, d);
    expectClose(out, expected, DOT_TOL, "matvec ×1");
  });

  it("streamRead (the bandwidth probe) sums each chunk's words on both threads, as a plain loop does", () => {
    const chunk = 4096;
    const chunks = 37;
    const src = arena.allocBytes(chunks * chunk);
    for (let i = 0; i < src.length; i++) src[i] = (i * 2654435761) >>> 24;
    const out = new Int32Array(arena.buffer, arena.allocBytes(4 * chunks).byteOffset, chunks);
    expect(parallelCalls(() => wk.streamRead(out, src, chunk))).toBe(1);
    const words = new Int32Array(src.buffer, src.byteOffset, src.length / 4);
    const want = Array.from({length: chunks}, (_, r) =>
      words.subarray((r * chunk) / 4, ((r + 1) * chunk) / 4).reduce((s, w) => (s + w) | 0, 0)
    );
    expect(Array.from(out)).toEqual(want);
    expect(() => wk.streamRead(out, src.subarray(0, 100), 64)).toThrow(/invalid streamRead: 100 bytes in chunks of 64/);
  });

  it("createWasmKernels({threads: 2}) refuses a plain arena with a message saying what to do", async () => {
    await expect(
      createWasmKernels({arena: createArena({bytes: 1 << 20}), maxN: 64, threads: 2, spawn: spawnNodeWorker})
    ).rejects.toThrow(/threads > 1 need a shared arena/);
  });
});

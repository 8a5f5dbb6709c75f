// The fast kernel table: WebAssembly SIMD128 kernels (src/kernels/wasm/*.as) behind the engine's Kernels signatures,
// plus the fused quantized matvecs. A call takes the fast path only when every buffer is a view into this arena's
// memory (so its byteOffset is a pointer) and the sizes fit; otherwise it runs the reference op, and `calls` counts
// which path ran, so tests can assert the fast path is the one running.
// Row-split kernels (matvec, matmul, quantized matvecs) go to the thread pool when one exists and the job is at least
// `minParallelFlops`; smaller jobs stay on the calling thread because handing them over costs more than it saves.
import {referenceKernels, type Kernels} from "../engine/backend.ts";
import {RMSNORM_EPS} from "../engine/ops/index.ts";
import type {Codec} from "../formats/codec.ts";
import {bf16} from "../formats/bf16.ts";
import {f16} from "../formats/f16.ts";
import {iq4_nl} from "../formats/iq4_nl.ts";
import {q2_k} from "../formats/q2_k.ts";
import {q3_k} from "../formats/q3_k.ts";
import {q4_0} from "../formats/q4_0.ts";
import {q4_1} from "../formats/q4_1.ts";
import {q4_k} from "../formats/q4_k.ts";
import {q5_0} from "../formats/q5_0.ts";
import {q5_1} from "../formats/q5_1.ts";
import {q5_k} from "../formats/q5_k.ts";
import {q6_k} from "../formats/q6_k.ts";
import {q8_0} from "../formats/q8_0.ts";
import {q8_0_x86} from "../formats/q8_0_x86.ts";
import {q8_1} from "../formats/q8_1.ts";
import {q8_k} from "../formats/q8_k.ts";
import {vecDotOf} from "../formats/vec-dot.ts";
import type {QuantizedMatrix} from "../quant/index.ts";
import {arenaBytes, type Arena} from "./arena.ts";
import {kernelModule} from "./module.ts";
import {referenceQuantKernels, type QuantKernels} from "../formats/kernels.ts";
import {createThreadPool, type RowKernel, type SpawnWorker, type ThreadPool} from "./threads.ts";

/** Row-split exports, in the op-index order workers share. */
const ROW_OPS = [
  "matvec",
  "matmul",
  "matvecQ8_0",
  "matvecQ4_0",
  "matvecQ4_1",
  "matvecQ5_0",
  "matvecQ5_1",
  "matvecIQ4_NL",
  "matvecQ2_K",
  "matvecQ3_K",
  "matvecQ4_K",
  "matvecQ5_K",
  "matvecQ6_K",
  "matvecF16",
  "matvecBF16",
  "matvecQ8_0Q8",
  "matvecQ4_0Q8",
  "matvecQ4_1Q8",
  "vecDotQ8_0",
  "vecDotQ4_0",
  "vecDotQ5_0",
  "vecDotIQ4_NL",
  "vecDotQ4_1",
  "vecDotQ5_1",
  "vecDotQ2_K",
  "vecDotQ3_K",
  "vecDotQ4_K",
  "vecDotQ5_K",
  "vecDotQ6_K",
  "matmulQ8_0",
  "matmulQ4_K",
  "streamRead"
] as const;
type RowOp = (typeof ROW_OPS)[number];

/**
 * The fused kernels of one block format: `f32` takes float32 x; `q8` (null: none yet, the reference runs) the Q8_0
 * activation of matvecQuantQ8; `sums` the group size of the Σx the kernel's min term reads (0: none); `vecDot` (null:
 * the reference runs) llama.cpp's integer product on x converted to the format's vec_dot_type (ACT_QUANTIZERS).
 */
export interface FusedKernel {
  f32: RowOp;
  q8: RowOp | null;
  sums: 0 | 16 | 32;
  vecDot: RowOp | null;
  /** prefill: float32 X (≤ MATMUL_TILE tokens) against the blocks read once (null: a matvec per token) */
  matmul?: RowOp;
}

type ActQuantizer = "quantizeQ8_0x86" | "quantizeQ8_1" | "quantizeQ8_K";
/** The wasm converter of each vec_dot_type (src/formats/vec-dot.ts), byte-equal to the codec's quantizeRef. */
export const ACT_QUANTIZERS: ReadonlyMap<Codec, ActQuantizer> = new Map<Codec, ActQuantizer>([
  [q8_0_x86, "quantizeQ8_0x86"],
  [q8_1, "quantizeQ8_1"],
  [q8_k, "quantizeQ8_K"]
]);

/** Fused kernels per block format (by codec object, so no format name is switched on here). */
export const FUSED_KERNELS: ReadonlyMap<Codec, FusedKernel> = new Map<Codec, FusedKernel>([
  [q8_0, {f32: "matvecQ8_0", q8: "matvecQ8_0Q8", sums: 0, vecDot: "vecDotQ8_0", matmul: "matmulQ8_0"}],
  [q4_0, {f32: "matvecQ4_0", q8: "matvecQ4_0Q8", sums: 0, vecDot: "vecDotQ4_0"}],
  [q4_1, {f32: "matvecQ4_1", q8: "matvecQ4_1Q8", sums: 32, vecDot: "vecDotQ4_1"}],
  [q5_0, {f32: "matvecQ5_0", q8: null, sums: 0, vecDot: "vecDotQ5_0"}],
  [q5_1, {f32: "matvecQ5_1", q8: null, sums: 32, vecDot: "vecDotQ5_1"}],
  [iq4_nl, {f32: "matvecIQ4_NL", q8: null, sums: 0, vecDot: "vecDotIQ4_NL"}],
  [q2_k, {f32: "matvecQ2_K", q8: null, sums: 16, vecDot: "vecDotQ2_K"}],
  [q3_k, {f32: "matvecQ3_K", q8: null, sums: 0, vecDot: "vecDotQ3_K"}],
  [q4_k, {f32: "matvecQ4_K", q8: null, sums: 32, vecDot: "vecDotQ4_K", matmul: "matmulQ4_K"}],
  [q5_k, {f32: "matvecQ5_K", q8: null, sums: 32, vecDot: "vecDotQ5_K"}],
  [q6_k, {f32: "matvecQ6_K", q8: null, sums: 0, vecDot: "vecDotQ6_K"}],
  [f16, {f32: "matvecF16", q8: null, sums: 0, vecDot: null}],
  [bf16, {f32: "matvecBF16", q8: null, sums: 0, vecDot: null}]
]);

/**
 * Below this many FLOPs (2·n·d·T) a row-split job stays on one thread. The `npm run bench` thread sweep measures
 * the crossover (section [threads]); on the shared 2-core machines it was not measurable cleanly (load 8–17 from
 * other jobs), so this is the conservative estimate: a worker wake-up (~20–50 µs) must be well below half the job
 * (2e6 FLOPs ≈ 100 µs at 20 GFLOPS). In stories15M decode only the classifier (1.8e7) is split.
 */
export const MIN_PARALLEL_FLOPS = 2e6;
/** matmul with fewer rows than this runs as T matvecs (no panel packing); measured in the bench's tile sweep */
export const MATMUL_TILE_MIN_T = 4;
/** Tokens per call of a fused quantized matmul (its kernels keep 4 accumulators). */
const MATMUL_TILE = 4;
/** Quantized-x blocks are 32 values. */
const QK = 32;

export interface KernelCalls {
  /** calls that ran a wasm kernel */
  wasm: number;
  /** calls that ran the reference op (a buffer outside the arena, or sizes past the scratch) */
  fallback: number;
  /** wasm calls split across threads */
  parallel: number;
}

export interface WasmKernelsSpec {
  /** the memory every fast buffer lives in; shared when threads > 1 */
  arena: Arena;
  /** the longest input row any matmul or quantized matvec will see (max of dim and hiddenDim) */
  maxN: number;
  /** threads including the caller (default 1) */
  threads?: number;
  /** how to start a worker (threads.node.ts or threads.browser.ts); required when threads > 1 */
  spawn?: SpawnWorker;
  /** the caller may block in Atomics.wait (true in Node and in workers, false on a browser main thread) */
  canBlock?: boolean;
}

export interface WasmKernels {
  /** e.g. "wasm-simd128 ×2 threads" */
  readonly backendName: string;
  readonly kernels: Kernels;
  readonly quant: QuantKernels;
  readonly arena: Arena;
  readonly threads: number;
  readonly calls: KernelCalls;
  minParallelFlops: number;
  /**
   * streamRead(out, src, chunkBytes): src (k·chunkBytes bytes) -> out (k,), each chunk's word sum, on every thread
   * whatever the size: the memory-bandwidth probe behind the bench's roofline (both views in the arena).
   */
  streamRead(out: Int32Array, src: Uint8Array, chunkBytes: number): void;
  /**
   * x (n,) converted to the vec_dot_type `act` (a codec of ACT_QUANTIZERS) as its blocks -> out, the bytes of
   * act.quantizeRef; both views in the arena, n whole blocks of act.
   */
  vecDotInput(act: Codec, out: Uint8Array, x: Float32Array): void;
  close(): void;
}

/** Bytes of x converted to the largest vec_dot_type: Q8_1's 36 per 32 values or Q8_K's 292 per 256. */
const vecDotInputBytes = (maxN: number) => Math.max(36 * Math.ceil(maxN / QK), 292 * Math.ceil(maxN / 256));

/**
 * Arena bytes the kernels' scratch needs: a packing panel (8·maxN floats) per thread, quantized x and its scales, the
 * Σx of every 16 values (the min terms' block sums), and x as a vec_dot_type.
 */
export function kernelScratchBytes(maxN: number, threads = 1): number {
  const blocks = Math.ceil(maxN / QK);
  const vecDot = Math.ceil(vecDotInputBytes(maxN) / 4);
  return arenaBytes(
    ...Array.from({length: threads}, () => 8 * maxN),
    maxN / 4,
    2 * blocks,
    2 * blocks,
    vecDot,
    MATMUL_TILE * blocks
  );
}

type Exports = Record<RowOp, RowKernel> &
  Record<ActQuantizer, (y: number, x: number, n: number) => void> & {
    quantizeQ8(xq: number, xd: number, x: number, n: number): void;
    blockSums(xsum: number, x: number, n: number): void;
    blockSums16(xsum: number, x: number, n: number): void;
    rmsnorm(out: number, x: number, w: number, n: number, eps: number): number;
    rmsnormRows(out: number, x: number, w: number, n: number, T: number, scales: number, eps: number): void;
    rmsnormWithScale(out: number, x: number, w: number, n: number, scale: number): void;
    softmax(out: number, x: number, n: number): void;
    swiglu(out: number, gate: number, up: number, n: number): void;
    rope(out: number, x: number, cos: number, sin: number, nHeads: number, headSize: number): void;
    ropeNeox(out: number, x: number, cos: number, sin: number, nHeads: number, headSize: number): void;
    attentionScores(att: number, q: number, keys: number, ...shape: number[]): void;
    attentionMix(z: number, att: number, values: number, ...shape: number[]): void;
  };

export async function createWasmKernels(spec: WasmKernelsSpec): Promise<WasmKernels> {
  const {arena, maxN, threads = 1, spawn, canBlock = true} = spec;
  if (!Number.isInteger(maxN) || maxN <= 0) throw new Error(`invalid maxN: ${maxN}`);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`invalid threads: ${threads}`);
  if (threads > 1 && !arena.shared) throw new Error("threads > 1 need a shared arena: createArena({shared: true})");
  if (threads > 1 && !spawn)
    throw new Error("threads > 1 need a spawn function (threads.node.ts or threads.browser.ts)");
  const module = await kernelModule(arena.shared);
  const instance = await WebAssembly.instantiate(module, {env: {memory: arena.memory}});
  const ex = instance.exports as unknown as Exports;

  const blocks = Math.ceil(maxN / QK);
  const panels = Array.from({length: threads}, () => arena.alloc(8 * maxN).byteOffset);
  const xq = arena.allocBytes(maxN).byteOffset;
  const xd = arena.alloc(2 * blocks).byteOffset; // d then s, per block
  const xsum = arena.alloc(2 * blocks).byteOffset; // Σx per 16 or per 32 values
  const xv = arena.alloc(Math.ceil(vecDotInputBytes(maxN) / 4)).byteOffset; // x as a vec_dot_type
  const tileSums = arena.alloc(MATMUL_TILE * blocks).byteOffset; // Σx per 32 values of each token of a matmul tile

  const pool: ThreadPool | null =
    threads > 1
      ? await createThreadPool({
          module,
          memory: arena.memory,
          ops: ROW_OPS,
          size: threads,
          scratch: panels,
          spawn: spawn!,
          canBlock
        })
      : null;
  const opIndex = Object.fromEntries(ROW_OPS.map((name, i) => [name, i])) as Record<RowOp, number>;
  const calls: KernelCalls = {wasm: 0, fallback: 0, parallel: 0};
  const owns = arena.owns;
  const ref = referenceKernels;
  const refQuant = referenceQuantKernels();

  const self: WasmKernels = {
    backendName: `wasm-simd128 ×${threads} thread${threads > 1 ? "s" : ""}`,
    arena,
    threads,
    calls,
    minParallelFlops: MIN_PARALLEL_FLOPS,
    kernels: null as unknown as Kernels,
    quant: null as unknown as QuantKernels,
    streamRead(out, src, chunkBytes) {
      const chunks = src.byteLength / chunkBytes;
      if (!(owns(out) && owns(src) && chunkBytes % 64 === 0 && Number.isInteger(chunks) && out.length >= chunks))
        throw new Error(`invalid streamRead: ${src.byteLength} bytes in chunks of ${chunkBytes}, out of ${out.length}`);
      calls.wasm++;
      if (pool && chunks >= 2) {
        calls.parallel++;
        pool.run(opIndex.streamRead, ex.streamRead, chunks, 1, false, out.byteOffset, src.byteOffset, chunkBytes, 0, 0);
      } else ex.streamRead(0, chunks, out.byteOffset, src.byteOffset, chunkBytes);
    },
    vecDotInput(act, out, x) {
      const quantize = ACT_QUANTIZERS.get(act);
      const n = x.length;
      if (!(
        quantize &&
        owns(out) &&
        owns(x) &&
        n % act.blockSize === 0 &&
        out.length >= (n / act.blockSize) * act.blockBytes
      ))
        throw new Error(`invalid vecDotInput: ${act.name} of ${n} values into ${out.length} bytes`);
      calls.wasm++;
      ex[quantize](out.byteOffset, x.byteOffset, n);
    },
    close: () => pool?.close()
  };

  /** Rows [0, rows) of a row-split kernel, on the pool when the job is big enough. */
  const rowSplit = (
    op: RowOp,
    rows: number,
    align: number,
    flops: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4 = 0,
    a5 = 0,
    a6 = 0
  ) => {
    calls.wasm++;
    if (pool && flops >= self.minParallelFlops && rows >= 2 * align) {
      calls.parallel++;
      pool.run(opIndex[op], ex[op], rows, align, op === "matmul", a0, a1, a2, a3, a4, a5, a6);
    } else {
      ex[op](0, rows, a0, a1, a2, a3, a4, a5, a6);
    }
  };

  const matvec: Kernels["matvec"] = (out, x, w, n, d) => {
    if (!(owns(out) && owns(x) && owns(w) && out.length >= d && x.length >= n && w.length >= n * d)) {
      calls.fallback++;
      return ref.matvec(out, x, w, n, d);
    }
    rowSplit("matvec", d, 4, 2 * n * d, out.byteOffset, x.byteOffset, w.byteOffset, n);
  };

  /** rope or ropeNeox: the same contract and checks, another pairing */
  const rotation =
    (op: "rope" | "ropeNeox"): Kernels["rope"] =>
    (out, x, tables, pos, nHeads) => {
      const {cos, sin, half} = tables;
      const size = nHeads * 2 * half;
      const row = pos * half;
      if (!(
        owns(out) &&
        owns(x) &&
        owns(cos) &&
        owns(sin) &&
        out.length >= size &&
        x.length >= size &&
        cos.length >= row + half &&
        sin.length >= row + half
      )) {
        calls.fallback++;
        return ref[op](out, x, tables, pos, nHeads);
      }
      calls.wasm++;
      ex[op](out.byteOffset, x.byteOffset, cos.byteOffset + 4 * row, sin.byteOffset + 4 * row, nHeads, 2 * half);
    };

  const kernels: Kernels = {
    matvec,
    matmul(out, x, w, T, n, d) {
      if (!(
        owns(out) &&
        owns(x) &&
        owns(w) &&
        n <= maxN &&
        out.length >= T * d &&
        x.length >= T * n &&
        w.length >= n * d
      )) {
        calls.fallback++;
        return ref.matmul(out, x, w, T, n, d);
      }
      if (T < MATMUL_TILE_MIN_T) {
        for (let t = 0; t < T; t++) {
          calls.wasm++;
          ex.matvec(0, d, out.byteOffset + 4 * t * d, x.byteOffset + 4 * t * n, w.byteOffset, n);
        }
        return;
      }
      rowSplit("matmul", d, 8, 2 * n * d * T, out.byteOffset, x.byteOffset, w.byteOffset, T, n, d, panels[0]!);
    },
    rmsnorm(out, x, w, n, eps = RMSNORM_EPS) {
      if (!(owns(out) && owns(x) && owns(w) && out.length >= n && x.length >= n && w.length >= n)) {
        calls.fallback++;
        return ref.rmsnorm(out, x, w, n, eps);
      }
      calls.wasm++;
      return ex.rmsnorm(out.byteOffset, x.byteOffset, w.byteOffset, n, eps);
    },
    rmsnormRows(out, x, w, n, T, scales, eps = RMSNORM_EPS) {
      if (!(
        owns(out) &&
        owns(x) &&
        owns(w) &&
        owns(scales) &&
        out.length >= T * n &&
        x.length >= T * n &&
        w.length >= n &&
        scales.length >= T
      )) {
        calls.fallback++;
        return ref.rmsnormRows(out, x, w, n, T, scales, eps);
      }
      calls.wasm++;
      ex.rmsnormRows(out.byteOffset, x.byteOffset, w.byteOffset, n, T, scales.byteOffset, eps);
    },
    rmsnormWithScale(out, x, w, n, scale) {
      if (!(owns(out) && owns(x) && owns(w) && out.length >= n && x.length >= n && w.length >= n)) {
        calls.fallback++;
        return ref.rmsnormWithScale(out, x, w, n, scale);
      }
      calls.wasm++;
      ex.rmsnormWithScale(out.byteOffset, x.byteOffset, w.byteOffset, n, scale);
    },
    rope: rotation("rope"),
    ropeNeox: rotation("ropeNeox"),
    softmax(out, x, n, offset = 0) {
      if (!(owns(out) && owns(x) && n > 0 && out.length >= offset + n && x.length >= offset + n)) {
        calls.fallback++;
        return ref.softmax(out, x, n, offset);
      }
      calls.wasm++;
      ex.softmax(out.byteOffset + 4 * offset, x.byteOffset + 4 * offset, n);
    },
    swiglu(out, gate, up, n) {
      if (!(owns(out) && owns(gate) && owns(up) && out.length >= n && gate.length >= n && up.length >= n)) {
        calls.fallback++;
        return ref.swiglu(out, gate, up, n);
      }
      calls.wasm++;
      ex.swiglu(out.byteOffset, gate.byteOffset, up.byteOffset, n);
    },
    attentionScores(att, q, keyCache, cacheOffset, shape) {
      const {T, pos0, nHeads, nKvHeads, headSize} = shape;
      const kLen = pos0 + T;
      if (!(
        owns(att) &&
        owns(q) &&
        owns(keyCache) &&
        att.length >= nHeads * T * kLen &&
        q.length >= T * nHeads * headSize &&
        keyCache.length >= cacheOffset + kLen * nKvHeads * headSize
      )) {
        calls.fallback++;
        return ref.attentionScores(att, q, keyCache, cacheOffset, shape);
      }
      calls.wasm++;
      ex.attentionScores(
        att.byteOffset,
        q.byteOffset,
        keyCache.byteOffset + 4 * cacheOffset,
        T,
        pos0,
        nHeads,
        nKvHeads,
        headSize
      );
    },
    attentionMix(z, att, valueCache, cacheOffset, shape) {
      const {T, pos0, nHeads, nKvHeads, headSize} = shape;
      const kLen = pos0 + T;
      if (!(
        owns(z) &&
        owns(att) &&
        owns(valueCache) &&
        z.length >= T * nHeads * headSize &&
        att.length >= nHeads * T * kLen &&
        valueCache.length >= cacheOffset + kLen * nKvHeads * headSize
      )) {
        calls.fallback++;
        return ref.attentionMix(z, att, valueCache, cacheOffset, shape);
      }
      calls.wasm++;
      ex.attentionMix(
        z.byteOffset,
        att.byteOffset,
        valueCache.byteOffset + 4 * cacheOffset,
        T,
        pos0,
        nHeads,
        nKvHeads,
        headSize
      );
    }
  };

  /** Values per row the blocks cover (a simulated K-quant's flat run has no row blocks: the reference runs it). */
  const blockCols = (q: QuantizedMatrix) => q.blocksPerRow * q.codec.blockSize;
  const runnable = (q: QuantizedMatrix) =>
    FUSED_KERNELS.has(q.codec) && !q.flat && q.codec.headerBytes === 0 && blockCols(q) <= maxN;

  /** The fused kernel for this matrix, or null when it must take the reference path. */
  const fusedFor = (out: Float32Array, x: Float32Array, q: QuantizedMatrix) => {
    const ok = runnable(q) && owns(out) && owns(x) && owns(q.data);
    return ok && out.length >= q.rows && x.length >= q.cols ? FUSED_KERNELS.get(q.codec)! : null;
  };

  /** The float32 columns past the last whole block (rows not a multiple of 32), added in JS. */
  const addTail = (out: Float32Array, x: Float32Array, q: QuantizedMatrix) => {
    const {tailLen, tail, cols, rows} = q;
    if (tailLen === 0) return;
    const xo = cols - tailLen;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < tailLen; j++) s += tail[r * tailLen + j]! * x[xo + j]!;
      out[r]! += s;
    }
  };

  const quant: QuantKernels = {
    place(q, bytes) {
      if (!runnable(q) || owns(q.data)) return q;
      const data = bytes(q.data.byteLength);
      if (!data || !owns(data)) return q;
      data.set(q.data);
      return {...q, data};
    },
    matvecQuant(out, x, q) {
      const k = fusedFor(out, x, q);
      if (!k) {
        calls.fallback++;
        return refQuant.matvecQuant(out, x, q);
      }
      const n = blockCols(q);
      if (k.sums === 32) ex.blockSums(xsum, x.byteOffset, n);
      else if (k.sums === 16) ex.blockSums16(xsum, x.byteOffset, n);
      rowSplit(k.f32, q.rows, 4, 2 * n * q.rows, out.byteOffset, x.byteOffset, q.data.byteOffset, n, xsum);
      addTail(out, x, q);
    },
    matvecQuantQ8(out, x, q) {
      const k = fusedFor(out, x, q)?.q8;
      if (!k) {
        calls.fallback++;
        return refQuant.matvecQuantQ8(out, x, q);
      }
      const n = blockCols(q);
      ex.quantizeQ8(xq, xd, x.byteOffset, n);
      rowSplit(k, q.rows, 4, 2 * n * q.rows, out.byteOffset, xq, q.data.byteOffset, n, xd);
      addTail(out, x, q);
    },
    matmulQuant(out, x, T, q) {
      const k = fusedFor(out, x, q);
      const {rows, cols} = q;
      if (!k?.matmul || out.length < T * rows || x.length < T * cols) {
        for (let t = 0; t < T; t++)
          quant.matvecQuant(out.subarray(t * rows, (t + 1) * rows), x.subarray(t * cols, (t + 1) * cols), q);
        return;
      }
      const n = blockCols(q);
      for (let t0 = 0; t0 < T; t0 += MATMUL_TILE) {
        const tn = Math.min(MATMUL_TILE, T - t0);
        const xo = x.byteOffset + 4 * t0 * cols;
        for (let t = 0; k.sums === 32 && t < tn; t++) ex.blockSums(tileSums + t * (n / 8), xo + 4 * t * cols, n);
        rowSplit(
          k.matmul,
          rows,
          4,
          2 * n * rows * tn,
          out.byteOffset + 4 * t0 * rows,
          xo,
          q.data.byteOffset,
          cols,
          tn,
          rows,
          tileSums
        );
      }
      for (let t = 0; q.tailLen > 0 && t < T; t++)
        addTail(out.subarray(t * rows, (t + 1) * rows), x.subarray(t * cols, (t + 1) * cols), q);
    },
    matvecVecDot(out, x, q) {
      const k = fusedFor(out, x, q)?.vecDot;
      if (!k || q.tailLen !== 0) {
        calls.fallback++;
        return refQuant.matvecVecDot(out, x, q);
      }
      const n = q.cols;
      ex[ACT_QUANTIZERS.get(vecDotOf(q).act)!](xv, x.byteOffset, n);
      rowSplit(k, q.rows, 4, 2 * n * q.rows, out.byteOffset, xv, q.data.byteOffset, n);
    }
  };

  return Object.assign(self, {kernels, quant});
}

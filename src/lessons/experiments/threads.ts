// Findings 6 and 7, the thread-pool threshold: handing work to another thread costs a wake-up and a join, so small
// jobs are slower split than on one thread. The NumPy origin measured up to 30× slower below ~1.5e8 FLOPs with
// Python's ThreadPoolExecutor, and 30–40% lost by always submitting the SwiGLU and attention projections at decode
// (L = 1). Here the pool is WebAssembly workers on one shared memory, woken through Atomics; the engine splits a row
// job only from MIN_PARALLEL_FLOPS up. This experiment times matvecs of growing size on one thread and split, and
// each projection of one decode step of the model (attention: wq wk wv wo; SwiGLU: w1 w3 w2; the classifier).
import type {Config} from "../../engine/index.ts";
import {LINEAR_MATRICES, matrixShape, yieldToEventLoop} from "../../engine/index.ts";
import type {SpawnWorker} from "../../kernels/index.ts";
import {cosineData, measure, type ExperimentOptions} from "./measure.ts";
import {kernelBench} from "./wasm.ts";

/** The pool splits rows in multiples of 4 and needs two shares at least (wasm-kernels.ts rowSplit). */
const MIN_SPLIT_ROWS = 8;

export interface ThreadPoint {
  /** "matvec 1024×256" or "decode wq (attention)" */
  label: string;
  kind: "sweep" | "decode";
  rows: number;
  cols: number;
  /** 2·rows·cols */
  flops: number;
  /** one thread (ms per call) */
  oneMs: number;
  /** split over every thread (ms per call); null when threads are unavailable */
  splitMs: number | null;
  /** oneMs / splitMs: above 1 the split pays */
  speedup: number | null;
  /** whether the engine splits this job (flops >= minParallelFlops) */
  engineSplits: boolean;
}

export interface ThreadsResult {
  /** threads used for the split runs (1 when unavailable) */
  threads: number;
  /** why threads are unavailable, or null */
  unavailable: string | null;
  minParallelFlops: number;
  points: ThreadPoint[];
  /** the smallest FLOP count of the sweep from which every larger sweep job is faster split; null if none */
  crossoverFlops: number | null;
}

export interface ThreadsOptions extends ExperimentOptions {
  /** threads including the caller; 1 or less, or no spawn, means one thread only */
  threads?: number;
  spawn?: SpawnWorker;
  canBlock?: boolean;
  /** why threads cannot be used here (e.g. the page is not cross-origin isolated) */
  unavailable?: string | null;
  /** input width of the sweep's matvecs */
  sweepCols?: number;
  /** output rows of the sweep's matvecs */
  sweepRows?: readonly number[];
}

/** Matvec jobs of the sweep, then the projections of one decode step of a model with config c. */
export function threadJobs(c: Config, cols = 256, rows: readonly number[] = [16, 64, 256, 1024, 4096, 16384]) {
  const sweep = rows.map((d) => ({label: `matvec ${d}×${cols}`, kind: "sweep" as const, rows: d, cols}));
  const decode = LINEAR_MATRICES.map((name) => {
    const [d, n] = matrixShape(c, name);
    const role = name === "output" ? "classifier" : name.startsWith("attn_") ? "attention" : "SwiGLU";
    return {label: `decode ${name} (${role})`, kind: "decode" as const, rows: d, cols: n};
  });
  return [...sweep, ...decode];
}

export async function threadsExperiment(c: Config, options: ThreadsOptions = {}): Promise<ThreadsResult> {
  const {spawn, canBlock, signal, budgetMs = 50} = options;
  const unavailable = options.unavailable ?? (spawn ? null : "no worker spawner given");
  const threads = unavailable ? 1 : Math.max(1, options.threads ?? 2);
  const jobs = threadJobs(c, options.sweepCols, options.sweepRows);
  const maxRows = Math.max(...jobs.map((j) => j.rows));
  const maxCols = Math.max(...jobs.map((j) => j.cols));
  const maxW = Math.max(...jobs.map((j) => j.rows * j.cols));
  const {fast, buffers} = await kernelBench([maxW, maxCols, maxRows], maxCols, {threads, spawn, canBlock});
  try {
    const [w, x, out] = buffers as [Float32Array, Float32Array, Float32Array];
    cosineData(w, 0.05);
    cosineData(x, 1, 0.5);
    const saved = fast.minParallelFlops;
    const points: ThreadPoint[] = [];
    for (const job of jobs) {
      signal?.throwIfAborted();
      await yieldToEventLoop();
      const call = () => fast.kernels.matvec(out, x, w, job.cols, job.rows);
      fast.minParallelFlops = Infinity;
      const oneMs = measure(call, budgetMs).ms;
      let splitMs: number | null = null;
      if (threads > 1) {
        fast.minParallelFlops = 0;
        splitMs = measure(call, budgetMs).ms;
      }
      fast.minParallelFlops = saved;
      const flops = 2 * job.rows * job.cols;
      points.push({
        ...job,
        flops,
        oneMs,
        splitMs,
        speedup: splitMs === null ? null : oneMs / splitMs,
        engineSplits: threads > 1 && flops >= saved && job.rows >= MIN_SPLIT_ROWS
      });
    }
    const sweep = points.filter((p) => p.kind === "sweep").sort((a, b) => a.flops - b.flops);
    let crossoverFlops: number | null = null;
    for (let i = sweep.length - 1; i >= 0 && (sweep[i]!.speedup ?? 0) > 1; i--) crossoverFlops = sweep[i]!.flops;
    return {threads, unavailable, minParallelFlops: saved, points, crossoverFlops};
  } finally {
    fast.close();
  }
}

// Worker threads for the row-split kernels (matvec, matmul, fused quant matvecs): the caller and size − 1 workers
// each compute a contiguous share of the output rows, all on one shared WebAssembly memory. Only when the page is
// cross-origin isolated (browser) or in Node; elsewhere the kernels run on one thread and say so.
// Synchronisation is one Int32 control block in a SharedArrayBuffer: the caller writes the job, bumps GEN and
// notifies; each worker computes its rows, bumps DONE and notifies; the caller computes share 0 meanwhile, then waits
// for DONE = size − 1. Jobs are synchronous for the caller, so the kernel table keeps its plain signatures.

/** Int32 slots of the control block. */
export const CONTROL_LAYOUT = {
  GEN: 0,
  DONE: 1,
  OP: 2,
  /** 1: argument a6 is a scratch pointer, and each thread uses its own */
  SCRATCH: 3,
  /** BOUNDS[i], BOUNDS[i+1] = rows of thread i */
  BOUNDS: 4,
  ARGS: 24,
  MAX_ARGS: 7
} as const;
const CONTROL_INTS = CONTROL_LAYOUT.ARGS + CONTROL_LAYOUT.MAX_ARGS;
/** at most this many threads (BOUNDS has room for 19 shares) */
export const MAX_THREADS = 16;
/** polls of the control word before a thread sleeps: short jobs then skip a futex wake-up */
export const SPIN_POLLS = 20000;

/** A worker as both runtimes expose it (threads.node.ts and threads.browser.ts wrap theirs into this). */
export interface KernelWorker {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: Error) => void): void;
  terminate(): void;
}
export type SpawnWorker = () => KernelWorker;

/** A row-split wasm export: rows [r0, r1) first, then up to MAX_ARGS i32 arguments (extra ones are ignored). */
export type RowKernel = (r0: number, r1: number, ...args: number[]) => void;

/** Threads are possible here: SharedArrayBuffer exists and (in a browser) the page is cross-origin isolated. */
export function threadsAvailable(): boolean {
  const isolated = (globalThis as {crossOriginIsolated?: boolean}).crossOriginIsolated;
  return typeof SharedArrayBuffer !== "undefined" && isolated !== false;
}

export interface ThreadPool {
  /** threads computing a job, the caller included */
  readonly size: number;
  /**
   * Runs kernel `op` (an index into the ops list the pool was made with) over rows [0, rows) split in size shares
   * whose boundaries are multiples of `align`; `fn` is the caller's own instance of the same kernel. Arguments a0..a6
   * are fixed (unused ones 0) so a call allocates nothing. With `ownScratch` true, a6 is the caller's scratch
   * pointer and each worker passes its own instead.
   */
  run(
    op: number,
    fn: RowKernel,
    rows: number,
    align: number,
    ownScratch: boolean,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4: number,
    a5?: number,
    a6?: number
  ): void;
  close(): void;
}

export interface ThreadPoolSpec {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** names of the row-split exports, in op-index order */
  ops: readonly string[];
  /** threads including the caller (2 on the 2-core machines this was measured on) */
  size: number;
  /** scratch pointer of each worker (index 1..size−1; index 0 is the caller's) */
  scratch: readonly number[];
  spawn: SpawnWorker;
  /** the caller may block in Atomics.wait (Node, workers); a browser main thread may only spin */
  canBlock: boolean;
}

export async function createThreadPool(spec: ThreadPoolSpec): Promise<ThreadPool> {
  const {module, memory, ops, size, scratch, spawn, canBlock} = spec;
  if (!Number.isInteger(size) || size < 2 || size > MAX_THREADS)
    throw new Error(`invalid threads: ${size} (a pool needs 2..${MAX_THREADS})`);
  const control = new SharedArrayBuffer(4 * CONTROL_INTS);
  const c = new Int32Array(control);
  const {GEN, DONE, OP, SCRATCH, BOUNDS, ARGS} = CONTROL_LAYOUT;
  const workers: KernelWorker[] = [];
  try {
    await Promise.all(
      Array.from({length: size - 1}, (_, i) => {
        const worker = spawn();
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.onError(reject);
          worker.onMessage((m) =>
            m === "ready" ? resolve() : reject(new Error(`kernel worker failed: ${(m as {error?: string}).error}`))
          );
          const init = {module, memory, control, index: i + 1, scratch: scratch[i + 1], ops, layout: CONTROL_LAYOUT};
          worker.post({...init, spin: SPIN_POLLS});
        });
      })
    );
  } catch (error) {
    for (const w of workers) w.terminate();
    throw error;
  }

  const waitDone = () => {
    const want = size - 1;
    let spins = 0;
    for (let done = Atomics.load(c, DONE); done < want; done = Atomics.load(c, DONE)) {
      if (canBlock && ++spins > SPIN_POLLS) Atomics.wait(c, DONE, done, 10);
    }
  };

  let closed = false;
  return {
    size,
    run(op, fn, rows, align, ownScratch, a0, a1, a2, a3, a4, a5 = 0, a6 = 0) {
      if (closed) throw new Error("thread pool is closed");
      for (let i = 0; i < size; i++) c[BOUNDS + i] = Math.min(rows, Math.round((i * rows) / size / align) * align);
      c[BOUNDS + size] = rows;
      c[ARGS] = a0;
      c[ARGS + 1] = a1;
      c[ARGS + 2] = a2;
      c[ARGS + 3] = a3;
      c[ARGS + 4] = a4;
      c[ARGS + 5] = a5;
      c[ARGS + 6] = a6;
      c[OP] = op;
      c[SCRATCH] = ownScratch ? 1 : 0;
      Atomics.store(c, DONE, 0);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      fn(c[BOUNDS]!, c[BOUNDS + 1]!, a0, a1, a2, a3, a4, a5, a6);
      waitDone();
    },
    close() {
      if (closed) return;
      closed = true;
      c[OP] = -1;
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      for (const w of workers) w.terminate();
    }
  };
}

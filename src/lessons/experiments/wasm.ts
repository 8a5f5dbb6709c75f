// The wasm kernels for an experiment: an arena with room for the experiment's own buffers (sizes in floats) next to
// the kernels' scratch, so every buffer is a view the fast path accepts.
import {arenaBytes, createArena, createWasmKernels, kernelScratchBytes, type WasmKernels} from "../../kernels/index.ts";
import type {SpawnWorker} from "../../kernels/index.ts";

export interface KernelBench {
  fast: WasmKernels;
  /** (floats[i],) zeroed buffers in the arena, in the order asked */
  buffers: Float32Array[];
}

export interface ThreadSpec {
  /** threads including the caller (default 1); > 1 needs spawn and a cross-origin isolated page */
  threads?: number;
  spawn?: SpawnWorker;
  /** false on a browser main thread, which may not block in Atomics.wait */
  canBlock?: boolean;
}

/** wasm kernels over a fresh arena holding buffers of the given sizes; close `fast` when done (it owns workers). */
export async function kernelBench(
  floats: readonly number[],
  maxN: number,
  spec: ThreadSpec = {}
): Promise<KernelBench> {
  const {threads = 1, spawn, canBlock} = spec;
  const arena = createArena({bytes: arenaBytes(...floats) + kernelScratchBytes(maxN, threads), shared: threads > 1});
  const fast = await createWasmKernels({arena, maxN, threads, spawn, canBlock});
  return {fast, buffers: floats.map((n) => arena.alloc(n))};
}

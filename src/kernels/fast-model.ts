// A model on the fast kernels: one arena sized up front for the weights, the run state (decode and a prefill of
// `prefillRows`), the RoPE tables and the kernels' scratch; the checkpoint is read straight into it and the
// Transformer gets the wasm kernel table. With threads > 1 the arena is shared and workers split the matmuls.
import {readCheckpoint, readCheckpointHeader} from "../engine/checkpoint.ts";
import {activationFloats, runStateFloats, weightsFloats, type Config} from "../engine/model.ts";
import {createTransformer, type Transformer} from "../engine/transformer.ts";
import {ARENA_ALIGN, createArena} from "./arena.ts";
import type {SpawnWorker} from "./threads.ts";
import {createWasmKernels, kernelScratchBytes, type WasmKernels} from "./wasm-kernels.ts";

export interface FastModelOptions {
  /** threads including the caller (default 1); > 1 needs `spawn` */
  threads?: number;
  spawn?: SpawnWorker;
  canBlock?: boolean;
  /** the longest prefill the arena makes room for (default 1: decode only) */
  prefillRows?: number;
  /** more arena bytes for the caller (e.g. quantized blocks of the weight modes) */
  extraBytes?: number;
}

/** Upper bound on the number of buffers a model takes (weights, 13 state buffers twice, RoPE): alignment slack. */
const MAX_BUFFERS = 40;

/** Arena bytes a model of this shape needs on the fast kernels. */
export function fastModelBytes(
  c: Config,
  {threads = 1, prefillRows = 1, extraBytes = 0}: FastModelOptions = {}
): number {
  const floats =
    weightsFloats(c) +
    runStateFloats(c, 1) +
    (prefillRows > 1 ? activationFloats(c, prefillRows) : 0) +
    c.seqLen * c.headSize;
  return (
    4 * floats + MAX_BUFFERS * ARENA_ALIGN + kernelScratchBytes(Math.max(c.dim, c.hiddenDim), threads) + extraBytes
  );
}

/** Loads a llama2.c checkpoint into a fresh arena and returns the model with its fast kernels. */
export async function createFastModel(
  checkpoint: Uint8Array,
  options: FastModelOptions = {}
): Promise<{model: Transformer; fast: WasmKernels}> {
  const {threads = 1, spawn, canBlock} = options;
  const config = readCheckpointHeader(checkpoint, checkpoint.byteLength);
  const arena = createArena({bytes: fastModelBytes(config, options), shared: threads > 1});
  const fast = await createWasmKernels({arena, maxN: Math.max(config.dim, config.hiddenDim), threads, spawn, canBlock});
  try {
    const {weights} = readCheckpoint(checkpoint, {alloc: arena.alloc});
    const model = createTransformer(config, weights, {alloc: arena.alloc, kernels: fast.kernels});
    return {model, fast};
  } catch (error) {
    fast.close();
    throw error;
  }
}

// A model on the fast kernels: one arena sized up front for the weights, the run state (decode and a prefill of
// `prefillRows`), the RoPE tables, the kernels' scratch and a weight region for the quant providers (cached floats,
// placed blocks); the checkpoint is read straight into it and the Transformer gets the wasm kernel tables. With
// threads > 1 the arena is shared and workers split the matmuls.
import {readCheckpoint, readCheckpointHeader} from "../engine/checkpoint.ts";
import {activationFloats, ensureRows, runStateFloats, weightsFloats, type Config} from "../engine/model.ts";
import {createTransformer, type Transformer, type TransformerOptions} from "../engine/transformer.ts";
import {ARENA_ALIGN, createArena, createWeightRegion} from "./arena.ts";
import type {SpawnWorker} from "./threads.ts";
import {createWasmKernels, kernelScratchBytes, type WasmKernels} from "./wasm-kernels.ts";

export interface FastModelOptions {
  /** threads including the caller (default 1); > 1 needs `spawn` */
  threads?: number;
  spawn?: SpawnWorker;
  canBlock?: boolean;
  /** the longest prefill the arena makes room for (default 1: decode only); longer prefills throw "arena full" */
  prefillRows?: number;
  /** bytes of the weight region the quant providers use (default: every matrix as cached floats; 0: none) */
  regionBytes?: number;
  /** more arena bytes for the caller */
  extraBytes?: number;
}

/** Upper bound on the number of buffers a model takes (weights, 13 state buffers twice, RoPE, region): alignment slack. */
const MAX_BUFFERS = 48;

/**
 * Default weight region: the cached mode's floats of every matrix (the norms' few floats spare), the Q8 activation
 * rows of a prefill, and alignment slack for each matrix. Fused blocks (at most 8.5 bits per weight) fit in the same
 * room, and one mode uses the region at a time.
 */
export function defaultRegionBytes(c: Config, prefillRows = 1): number {
  return 4 * (weightsFloats(c) + 2 * prefillRows * Math.max(c.dim, c.hiddenDim)) + 64 * ARENA_ALIGN * (c.nLayers + 2);
}

/** Arena bytes a model of this shape needs on the fast kernels. */
export function fastModelBytes(c: Config, options: FastModelOptions = {}): number {
  const {threads = 1, prefillRows = 1, extraBytes = 0} = options;
  const regionBytes = options.regionBytes ?? defaultRegionBytes(c, prefillRows);
  const floats =
    weightsFloats(c) +
    runStateFloats(c, 1) +
    (prefillRows > 1 ? activationFloats(c, prefillRows) : 0) +
    c.seqLen * c.headSize;
  return (
    4 * floats +
    MAX_BUFFERS * ARENA_ALIGN +
    kernelScratchBytes(Math.max(c.dim, c.hiddenDim), threads) +
    regionBytes +
    extraBytes
  );
}

/** Loads a llama2.c checkpoint into a fresh arena and returns the model with its fast kernels. */
export async function createFastModel(
  checkpoint: Uint8Array,
  options: FastModelOptions = {}
): Promise<{model: Transformer; fast: WasmKernels}> {
  const config = readCheckpointHeader(checkpoint, checkpoint.byteLength);
  return withFastKernels(config, options, (o) =>
    createTransformer(config, readCheckpoint(checkpoint, {alloc: o.alloc}).weights, o)
  );
}

/**
 * A fresh arena and the wasm kernels for a model of this Config; `build` makes the model with the options that put
 * its weights and state in the arena (any file format: a checkpoint, a GGUF, a Hugging Face folder). The model's
 * extra tensors (biases, rope_freqs) need `extraBytes`.
 */
export async function withFastKernels(
  config: Config,
  options: FastModelOptions,
  build: (
    o: Required<Pick<TransformerOptions, "alloc" | "kernels" | "quantKernels">> & TransformerOptions
  ) => Transformer | Promise<Transformer>
): Promise<{model: Transformer; fast: WasmKernels}> {
  const {threads = 1, spawn, canBlock, prefillRows = 1} = options;
  const arena = createArena({bytes: fastModelBytes(config, options), shared: threads > 1});
  const fast = await createWasmKernels({arena, maxN: Math.max(config.dim, config.hiddenDim), threads, spawn, canBlock});
  try {
    const regionBytes = options.regionBytes ?? defaultRegionBytes(config, prefillRows);
    const model = await build({
      alloc: arena.alloc,
      kernels: fast.kernels,
      quantKernels: fast.quant,
      weightRegion: regionBytes > 0 ? createWeightRegion(arena, regionBytes) : null
    });
    // the prefill buffers now, so no prefill up to prefillRows allocates later (decode uses their first row)
    ensureRows(model.state, config, prefillRows, arena.alloc);
    return {model, fast};
  } catch (error) {
    fast.close();
    throw error;
  }
}

export {arenaBytes, createArena, ARENA_ALIGN, ARENA_BASE, type Arena, type ArenaSpec} from "./arena.ts";
export {
  createWasmKernels,
  kernelScratchBytes,
  MATMUL_TILE_MIN_T,
  MIN_PARALLEL_FLOPS,
  type KernelCalls,
  type WasmKernels,
  type WasmKernelsSpec
} from "./wasm-kernels.ts";
export {referenceQuantKernels, type QuantKernels, type WeightRegion} from "../formats/kernels.ts";
export {threadsAvailable, type KernelWorker, type SpawnWorker} from "./threads.ts";
export {spawnBrowserWorker} from "./threads.browser.ts";
export {createFastModel, fastModelBytes, type FastModelOptions} from "./fast-model.ts";
export {
  createModel,
  toKernelSet,
  KERNEL_SETS,
  type KernelSet,
  type ModelSpec,
  type RunningModel
} from "./create-model.ts";

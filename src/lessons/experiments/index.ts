export {measure, timeVariants, keep, cosineData, VARIANT_BUDGET_MS} from "./measure.ts";
export type {Timing, VariantTiming, ExperimentOptions} from "./measure.ts";
export {kernelBench, type KernelBench, type ThreadSpec} from "./wasm.ts";
export {kernelChoiceExperiment, stridedContraction, type KernelChoiceResult} from "./kernel-choice.ts";
export {sigmoidExperiment, sigmoidNaive, sigmoidPiecewise, type SigmoidResult} from "./sigmoid.ts";
export {ropeExperiment, ropeRow, type RopeResult} from "./rope.ts";
export {rmsnormExperiment, rmsnormFloat64Copy, rmsScaleFloat32Sum, type RmsnormSize} from "./rmsnorm.ts";
export {threadsExperiment, threadJobs, type ThreadPoint, type ThreadsResult, type ThreadsOptions} from "./threads.ts";
export {
  denormalExperiment,
  subnormalShare,
  MIN_NORMAL_F32,
  MIN_NORMAL_F64,
  type DecayPass,
  type DenormalResult
} from "./denormals.ts";
export {
  decodeCost,
  costByLength,
  type DecodeCost,
  type DecodeCostOptions,
  type LengthCost,
  type StepProfile
} from "./decode-cost.ts";
export {modeTimings, withinNoise, type ModeTiming, type ModeTimingsOptions} from "./mode-timings.ts";
export {largeLayerExperiment, type LargeLayerResult, type LayerModeCost} from "./large-layer.ts";
export {blockGrid, gridStrip, outlierBlock, MAX_LEVELS, type BlockGrid} from "./grid.ts";
export {subBlockSize, superBlockGrid, subBlockStrip, type SuperBlockGrid} from "./sub-block-grid.ts";
export {tensorErrors, layerSqnr, blockSqnr, targetOf, originalOf, type TensorError} from "./quant-error.ts";
export {simulatedNotice} from "./simulated.ts";
export {statList, formatBytes, formatMs, type Stat} from "./stats.ts";
export {
  imatrixGain,
  modelImatrixGain,
  IMATRIX_FORMATS,
  type ImatrixGain,
  type ImatrixGainRow,
  type ModelImatrixGainOptions
} from "./imatrix-gain.ts";

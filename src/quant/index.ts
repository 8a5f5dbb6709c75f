export {createQ8Vector, quantizeQ8} from "../formats/act.ts";
export type {Codec, Q8Vector} from "../formats/codec.ts";
export {f16ToF32, f32ToF16} from "../formats/fp16.ts";
export {NF4_LEVELS} from "../formats/nf4.ts";
export {
  dequantizeMatrix,
  dequantizeRow,
  matrixBpw,
  matvecQuant,
  matvecQuantQ8,
  quantizeMatrix,
  quantizedBytes,
  tailNote,
  type QuantizedMatrix
} from "../formats/matrix.ts";
export {
  chunkSqnrDb,
  cosine,
  errorHistogram,
  maxAbsError,
  normalizedL2,
  sqnrDb,
  tensorMetrics,
  type ErrorHistogram,
  type TensorMetrics
} from "./metrics.ts";
export {roundHalfAway, roundHalfEven} from "../formats/rounding.ts";
export {SCHEMES, toFormat, type Format, type Scheme} from "../formats/schemes.ts";
export {
  FP32,
  checkSpecLayers,
  formatFor,
  formatQuantSpec,
  parseQuantSpec,
  targetOf,
  toQuantSpec,
  toTarget,
  type QuantOverride,
  type QuantSpec
} from "./spec.ts";
export {
  LAYER_MATRICES,
  MATRIX_NAMES,
  ggufTensorName,
  isLayerMatrix,
  type LayerMatrix,
  type MatrixName
} from "../model-files/matrix-names.ts";
export {
  activationErrors,
  evaluateQuant,
  sensitivity,
  sensitivityTargets,
  type EvalOptions,
  type HookError,
  type Sensitivity,
  type SensitivityOptions
} from "./evaluate.ts";
export {compareLogits, type ModelMetrics} from "./model-metrics.ts";
export {simulatedNotes, specSimulatedNotes, type PlacedMatrix, type SimulatedNote} from "./simulated.ts";
export {
  ACT_MODES,
  WEIGHT_MODES,
  toActMode,
  toQuantSettings,
  toWeightMode,
  type ActMode,
  type QuantSettings,
  type QuantSettingsSpec,
  type WeightMode
} from "./modes.ts";
export {
  quantMatrices,
  setQuant,
  type MatrixReport,
  type QuantCounters,
  type QuantMatrices,
  type QuantResidency
} from "./provider.ts";

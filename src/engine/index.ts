export {
  type Config,
  type Weights,
  type RunState,
  type Alloc,
  defaultAlloc,
  weightShapes,
  weightsFloats
} from "./model.ts";
export {activationFloats, kvCacheFloats, runStateFloats, createRunState, weightsFromBuffer} from "./model.ts";
export {toConfig, type ConfigSpec, CONFIG_LIMITS, modelBytes, checkMemory, DEFAULT_MAX_BYTES} from "./config.ts";
export {referenceKernels, type Kernels} from "./backend.ts";
export {type MatrixProvider, type MatrixHost, fp32Matrices, matrixShape, layerViews, WEIGHT_FIELD} from "./matrices.ts";
export {
  LAYER_MATRICES,
  LINEAR_MATRICES,
  MATRIX_NAMES,
  ggufTensorName,
  isLayerMatrix,
  type LayerMatrix,
  type LinearMatrix,
  type MatrixName
} from "../model-files/matrix-names.ts";
export {Profiler, PROFILE_CATEGORIES, type ProfileCategory, type ProfileReport} from "./profiler.ts";
export {createTransformer, setMatrices, setProfiler, type Transformer, type TransformerOptions} from "./transformer.ts";
export {forward, prefill, checkInputs} from "./forward.ts";
export {generate, yieldToEventLoop, type GenerateOptions, type GenerateStep} from "./generate.ts";
export {toSampler, sample, argmax, type Sampler, type SamplerSpec} from "./sampler.ts";
export {Rng} from "./rng.ts";
export {
  BOS,
  EOS,
  BYTE_OFFSET,
  readTokenizer,
  writeTokenizer,
  encode,
  decode,
  decodePiece
} from "../tokenizers/llama2c.ts";
export {TextStream, type Tokenizer} from "../tokenizers/llama2c.ts";
export {readCheckpoint, readCheckpointHeader, writeCheckpoint, checkpointBytes, HEADER_BYTES} from "./checkpoint.ts";
export {
  loadModel,
  loadModelFromBytes,
  readSource,
  type LoadedModel,
  type LoadOptions,
  type ModelSource
} from "./load.ts";
export {
  loadDefaultModel,
  DEFAULT_CONFIG,
  DEFAULT_MODEL_FILES,
  DEFAULT_MODEL_CARD,
  DEFAULT_SEED,
  SEEDED_CONFIG,
  SEEDED_SEED,
  seededCheckpoint,
  byteTokenizer
} from "./default-model.ts";
export * from "./hooks/index.ts";
export {
  loadGgufModel,
  ggufConfig,
  ggufPlan,
  decodeWeights,
  decodeNamedWeights,
  typeSummary,
  DEFAULT_GGUF_CTX
} from "./gguf.ts";
export type {GgufModel, GgufModelOptions} from "./gguf.ts";
export {loadHfModel, hfConfig, hfPlan, type HfModel, type HfModelOptions} from "./hf.ts";

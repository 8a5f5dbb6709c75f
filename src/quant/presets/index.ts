// llama-quantize's presets: per tensor the ggml type llama.cpp would choose and why (resolvePreset), and a GGUF file
// quantized with one (quantizeGguf, then encodeGguf from model-files/gguf to write it).
export {PRESETS, toPreset, type Preset} from "./presets.ts";
export {tensorType, useMoreBits, type RuleState, type TypeChoice} from "./tensor-type.ts";
export {
  keptBecause,
  llamaQuantizeOrder,
  resolvePreset,
  tensorBytes,
  type PresetModel,
  type PresetTensor,
  type TensorPlan
} from "./resolve.ts";
export {concreteSpec, matrixOfTensor, planSpec, presetModelOfConfig, type SpecTensor} from "./spec-plan.ts";
export {WRITABLE_TYPES, decodeTensor, encodeTensor} from "./ggml-codecs.ts";
export {
  QUANTIZATION_VERSION,
  presetModelOf,
  quantizeGguf,
  quantizeGgufStream,
  quantizedMetadata,
  type QuantizeGgufOptions,
  type QuantizedGguf,
  type QuantizedGgufStream
} from "./quantize-gguf.ts";
export {WEIGHT_STD, shapeGguf, shapeMetadata, shapeTensors, type ShapeGgufOptions} from "./shape-gguf.ts";
export {llama2cGguf} from "./llama2c-gguf.ts";

// The settings a quantized model runs with, each normalized from text with a clear error:
//   weights: what get_w does on every forward (fp32 | dequant | cached | fused)
//   act:     activation quantization before each matrix product (fp32 | q8_0 | ggml)
import {toQuantSpec, type QuantSpec} from "./spec.ts";
import {keyword} from "../checks/keyword.ts";

export const WEIGHT_MODES = ["fp32", "dequant", "cached", "fused"] as const;
/**
 * fp32: the reference, no quantization (the spec is ignored); dequant: every forward call dequantizes each weight
 * matrix into a fresh Float32Array (the simulated-quantization trap); cached: dequantize once per spec, reuse;
 * fused: kernels read the packed blocks and dequantize inside the dot product.
 */
export type WeightMode = (typeof WEIGHT_MODES)[number];

export const ACT_MODES = ["fp32", "q8_0", "ggml"] as const;
/**
 * fp32: activations as they are; q8_0: the input vector quantized to Q8_0 once per matvec (runq.c); ggml: llama.cpp's
 * numerics, each product's input converted to its ggml weight type's vec_dot_type (ggml-numerics.ts).
 */
export type ActMode = (typeof ACT_MODES)[number];

export interface QuantSettingsSpec {
  /** quantization spec (spec.ts grammar); default "fp32" */
  quant?: string | QuantSpec;
  /** get_w mode; default "cached" when quant names a format, else "fp32" */
  weights?: string;
  /** activation quantization; default "fp32" */
  act?: string;
}

export interface QuantSettings {
  quant: QuantSpec;
  weights: WeightMode;
  act: ActMode;
}

export function toWeightMode(value: string): WeightMode {
  return keyword(value, "weights", WEIGHT_MODES);
}

export function toActMode(value: string): ActMode {
  return keyword(value, "act", ACT_MODES);
}

export function toQuantSettings({quant = "fp32", weights, act = "fp32"}: QuantSettingsSpec = {}): QuantSettings {
  const spec = toQuantSpec(quant);
  const anyFormat = spec.base !== "fp32" || spec.overrides.some((o) => o.format !== "fp32");
  return {
    quant: spec,
    weights: weights === undefined ? (anyFormat ? "cached" : "fp32") : toWeightMode(weights),
    act: toActMode(act)
  };
}

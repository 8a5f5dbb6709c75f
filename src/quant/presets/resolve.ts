// A preset resolved to one ggml type per tensor, as llama-quantize (llama.cpp c392e5094, llama_model_quantize_impl)
// decides it, with the reason for each. Pure: tensor names, shapes and stored types, the layer and head counts in,
// a table out — no weights needed.
//
// What llama-quantize leaves alone (kept in its stored type): tensors with fewer than 2 dimensions, names not ending
// in "weight", *_norm.weight. Everything else gets the preset's type; for a quantized preset the per-tensor rules
// (tensor-type.ts) move it. It visits tensors sorted by layer ("blk.N." first by N, the rest before layer 0), then by
// name, which is the order its running layer counts follow and the order it writes them; the table keeps that order.
import {ggmlTypeByName} from "../../model-files/gguf/index.ts";
import {ggufTensorName} from "../../model-files/matrix-names.ts";
import {toPreset, type Preset} from "./presets.ts";
import {tensorType, type RuleState} from "./tensor-type.ts";

export interface PresetTensor {
  readonly name: string;
  /** ggml's ne order: shape[0] is the row length */
  readonly shape: readonly number[];
  /** the ggml type stored now (default F32) */
  readonly type?: string;
}

export interface PresetModel {
  readonly tensors: readonly PresetTensor[];
  readonly nLayers: number;
  readonly nHead: number;
  readonly nHeadKv: number;
}

export interface TensorPlan {
  readonly name: string;
  readonly shape: readonly number[];
  /** the stored type */
  readonly from: string;
  /** the type written */
  readonly type: string;
  /** why, in words */
  readonly rule: string;
  readonly layer?: {readonly index: number; readonly count: number};
  readonly fallback?: string;
  /** bytes of the tensor in `type` */
  readonly bytes: number;
}

/** llama_model_loader's weight_name_comparer: layer number first (-1 without one), then the name. */
export function llamaQuantizeOrder(a: string, b: string): number {
  const la = layerOf(a);
  const lb = layerOf(b);
  if (la !== lb) return la - lb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function layerOf(name: string): number {
  const m = /^blk\.(-?\d+)\./.exec(name);
  return m ? Number(m[1]) : -1;
}

/** Why llama-quantize does not quantize this tensor, or undefined when it does. */
export function keptBecause(t: PresetTensor): string | undefined {
  if (nDims(t.shape) < 2) return "1-D: never quantized";
  if (!t.name.endsWith("weight")) return "not a weight: never quantized";
  if (t.name.includes("_norm.weight")) return "a norm: never quantized";
  return undefined;
}

/** ggml_n_dims: trailing dimensions of 1 do not count. */
function nDims(shape: readonly number[]): number {
  for (let d = shape.length - 1; d >= 1; d--) if (shape[d] !== 1) return d + 1;
  return 1;
}

/** Bytes of a tensor of this shape in a ggml type (rows of whole blocks). */
export function tensorBytes(shape: readonly number[], type: string): number {
  const {blockSize, typeSize} = ggmlTypeByName(type)!;
  const rows = shape.slice(1).reduce((a, b) => a * b, 1);
  return rows * ((shape[0] ?? 1) / blockSize) * typeSize;
}

/** hasImatrix: an importance matrix will be given, which changes a few of llama-quantize's choices (tensor-type.ts). */
export function resolvePreset(
  model: PresetModel,
  presetText: string | Preset,
  {hasImatrix = false}: {hasImatrix?: boolean} = {}
): TensorPlan[] {
  const preset = typeof presetText === "string" ? toPreset(presetText) : presetText;
  const tensors = [...model.tensors].sort((a, b) => llamaQuantizeOrder(a.name, b.name));
  const state: RuleState = {
    nLayers: model.nLayers,
    nGqa: model.nHeadKv ? Math.trunc(model.nHead / model.nHeadKv) : 0,
    is70B: model.nLayers === 80 && model.nHead !== model.nHeadKv,
    hasOutput: tensors.some((t) => t.name === ggufTensorName("output")),
    nAttentionWv: tensors.filter((t) => /attn_v\.weight|attn_qkv\.weight|attn_kv_b\.weight/.test(t.name)).length,
    iAttentionWv: 0,
    iFfnDown: 0,
    hasImatrix
  };
  return tensors.map((t) => {
    const from = t.type ?? "F32";
    const plan = (type: string, rest: Omit<TensorPlan, "name" | "shape" | "from" | "type" | "bytes">): TensorPlan => ({
      name: t.name,
      shape: t.shape,
      from,
      type,
      ...rest,
      bytes: tensorBytes(t.shape, type)
    });
    const kept = keptBecause(t);
    if (kept) return plan(from, {rule: kept});
    if (!preset.quantized)
      return plan(preset.defaultType, {rule: `${preset.name}: every matrix ${preset.defaultType}`});
    const choice = tensorType(state, preset, t.name, t.shape[0] ?? 1);
    return plan(choice.type, {
      rule: choice.rule,
      ...(choice.layer ? {layer: choice.layer} : {}),
      ...(choice.fallback ? {fallback: choice.fallback} : {})
    });
  });
}

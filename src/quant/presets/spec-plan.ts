// A quant spec resolved on one model, tensor by tensor: the format each tensor gets, its ggml type when a GGUF file
// can hold it, and why. A preset spec (preset=Q4_K_M,attn_v=q8_0) is llama-quantize's choice (resolve.ts) with the
// spec's overrides on top, each override through the same block-fit fallback llama-quantize applies to its own
// choices; a plain spec (q4_0,token_embd=q8_0) is its base or the override that names the matrix. 1-D tensors and
// norms stay F32 either way. concreteSpec turns a preset spec into the plain spec the quant providers run, one
// override per matrix, so the engine computes with exactly the types a written GGUF would hold.
import type {Config} from "../../engine/model.ts";
import {matrixShape} from "../../engine/matrices.ts";
import {GGML_FALLBACK, ggmlFallback} from "../../formats/ggml-codecs.ts";
import {toFormat} from "../../formats/schemes.ts";
import {ggmlTypeByName} from "../../model-files/gguf/index.ts";
import {
  LAYER_MATRICES,
  MATRIX_NAMES,
  ggufTensorName,
  isLayerMatrix,
  type MatrixName
} from "../../model-files/matrix-names.ts";
import {
  FP32,
  formatFor,
  formatOfGgmlType,
  ggmlTypeOfFormat,
  overrideFor,
  targetOf,
  toQuantSpec,
  type QuantSpec
} from "../spec.ts";
import {toPreset} from "./presets.ts";
import {keptBecause, llamaQuantizeOrder, resolvePreset, tensorBytes, type PresetModel} from "./resolve.ts";

export interface SpecTensor {
  readonly name: string;
  /** ggml's ne order: shape[0] is the row length */
  readonly shape: readonly number[];
  /** the stored type */
  readonly from: string;
  /** canonical spec format: "q4_k", "fp32", "int4:g32:sym" */
  readonly format: string;
  /** the ggml type a GGUF file holds it in; undefined when none can (int4, nf4, a simulated K-quant) */
  readonly type: string | undefined;
  /** why, in words */
  readonly rule: string;
  /** the running layer count a preset rule looked at */
  readonly layer?: {readonly index: number; readonly count: number};
  /** set when the wanted type did not fit the rows: what was wanted and what replaced it */
  readonly fallback?: string;
  readonly bytes: number;
  readonly bpw: number;
}

const TENSOR = /^(?:blk\.(\d+)\.(\w+)|(\w+))\.weight$/;

/** The matrix a GGUF tensor name holds (blk.3.attn_q.weight -> attn_q, 3), or undefined for any other tensor. */
export function matrixOfTensor(name: string): {name: MatrixName; layer: number} | undefined {
  const [, layer, inLayer, alone] = TENSOR.exec(name) ?? [];
  const matrix = (inLayer ?? alone) as MatrixName;
  if (!(MATRIX_NAMES as readonly string[]).includes(matrix) || isLayerMatrix(matrix) !== (layer !== undefined))
    return undefined;
  return {name: matrix, layer: Number(layer ?? 0)};
}

/**
 * The tensors a GGUF file of this engine model holds (llama2.c's layout as llama.cpp names it: norms, matrices, no
 * output.weight when the classifier is shared), all F32, for the preset rules.
 */
export function presetModelOfConfig(config: Config): PresetModel {
  const {dim, nLayers} = config;
  const matrix = (name: MatrixName, layer = 0) => {
    const [rows, cols] = matrixShape(config, name);
    return {name: ggufTensorName(name, layer), shape: [cols, rows]};
  };
  const tensors = [matrix("token_embd"), {name: "output_norm.weight", shape: [dim]}];
  if (!config.sharedClassifier) tensors.push(matrix("output"));
  for (let l = 0; l < nLayers; l++) {
    tensors.push({name: `blk.${l}.attn_norm.weight`, shape: [dim]}, {name: `blk.${l}.ffn_norm.weight`, shape: [dim]});
    for (const name of LAYER_MATRICES) tensors.push(matrix(name, l));
  }
  return {tensors, nLayers, nHead: config.nHeads, nHeadKv: config.nKvHeads};
}

/** Bytes of a (rows, cols) matrix in a format as matrix.ts stores it (blocks and float32 tails, or a flat run). */
function formatBytes(format: string, shape: readonly number[]): number {
  const cols = shape[0] ?? 1;
  const rows = shape.slice(1).reduce((a, b) => a * b, 1);
  if (format === FP32) return 4 * rows * cols;
  const codec = toFormat(format).codec(rows, cols);
  if (codec.simulated !== undefined) return Math.ceil((rows * cols) / codec.blockSize) * codec.blockBytes;
  const blocks = Math.floor(cols / codec.blockSize);
  return codec.headerBytes + rows * (blocks * codec.blockBytes + 4 * (cols - blocks * codec.blockSize));
}

function row(
  t: {name: string; shape: readonly number[]; from: string},
  format: string,
  type: string | undefined,
  rest: Pick<SpecTensor, "rule" | "layer" | "fallback">
): SpecTensor {
  const bytes = type === undefined ? formatBytes(format, t.shape) : tensorBytes(t.shape, type);
  const count = t.shape.reduce((a, b) => a * b, 1);
  const out: SpecTensor = {
    name: t.name,
    shape: t.shape,
    from: t.from,
    format,
    type,
    rule: rest.rule,
    bytes,
    bpw: (8 * bytes) / count
  };
  return {
    ...out,
    ...(rest.layer ? {layer: rest.layer} : {}),
    ...(rest.fallback ? {fallback: rest.fallback} : {})
  };
}

/** An override's ggml type on rows of rowLength, through llama-quantize's fallback; throws when nothing fits. */
function overrideType(tensor: string, wanted: string, rowLength: number): {type: string; fallback?: string} {
  const block = ggmlTypeByName(wanted)!.blockSize;
  if (rowLength % block === 0) return {type: wanted};
  const type = ggmlFallback(wanted, rowLength);
  const fits = `rows of ${rowLength} values are not a multiple of ${wanted}'s block of ${block}`;
  if (type === undefined)
    throw new Error(
      `invalid quant override: tensor "${tensor}": ${fits}, and llama-quantize has no fallback for ${wanted}; ` +
        "choose a type whose block fits"
    );
  const via = type === GGML_FALLBACK.get(wanted) ? "" : ` (${GGML_FALLBACK.get(wanted)} does not fit either)`;
  return {type, fallback: `${wanted} wanted, but ${fits}: fallback ${type}${via}`};
}

/** Every tensor of the model under the spec, in llama-quantize's order, with its format, ggml type and reason. */
export function planSpec(
  specText: string | QuantSpec,
  model: PresetModel,
  options: {hasImatrix?: boolean} = {}
): SpecTensor[] {
  const spec = toQuantSpec(specText);
  if (spec.preset !== undefined) return planPreset(spec, model, options);
  const tensors = [...model.tensors].sort((a, b) => llamaQuantizeOrder(a.name, b.name));
  return tensors.map((t) => {
    const from = t.type ?? "F32";
    const placed = {...t, from};
    const matrix = matrixOfTensor(t.name);
    const kept = keptBecause(t);
    if (kept || !matrix)
      return row(placed, formatOfGgmlType(from), from, {rule: kept ?? "not a matrix the spec names"});
    const format = formatFor(spec, matrix.name, matrix.layer);
    const override = overrideFor(spec, matrix.name, matrix.layer) !== undefined;
    const rule = override ? `override: ${format}` : `the spec's format ${format}`;
    const type = ggmlTypeOfFormat(format);
    const [rows, cols] = [t.shape.slice(1).reduce((a, b) => a * b, 1), t.shape[0] ?? 1];
    const simulated = format === FP32 ? undefined : toFormat(format).codec(rows, cols).simulated;
    if (simulated) return row(placed, format, undefined, {rule, fallback: simulated});
    const fits = type !== undefined && cols % ggmlTypeByName(type)!.blockSize === 0;
    return row(placed, format, fits ? type : undefined, {rule});
  });
}

function planPreset(spec: QuantSpec, model: PresetModel, options: {hasImatrix?: boolean}): SpecTensor[] {
  const preset = toPreset(spec.preset!);
  return resolvePreset(model, preset, options).map((p) => {
    const matrix = matrixOfTensor(p.name);
    const wanted = matrix && overrideFor(spec, matrix.name, matrix.layer);
    if (!wanted || keptBecause(p) !== undefined) return row(p, formatOfGgmlType(p.type), p.type, p);
    const {type, fallback} = overrideType(p.name, ggmlTypeOfFormat(wanted)!, p.shape[0] ?? 1);
    const rule = `override: ${wanted} (${preset.name} chose ${p.type}: ${p.rule})`;
    return row(p, formatOfGgmlType(type), type, {rule, fallback});
  });
}

/**
 * The spec as the quant providers run it on a model of this shape: a plain spec as it is; a preset spec as fp32 with
 * one override per matrix, each the type planSpec gives it (a shared classifier takes token_embd's).
 */
export function concreteSpec(specText: string | QuantSpec, config: Config): QuantSpec {
  const spec = toQuantSpec(specText);
  if (spec.preset === undefined) return spec;
  const plan = planSpec(spec, presetModelOfConfig(config));
  const overrides = plan.flatMap((p) => {
    const matrix = matrixOfTensor(p.name);
    return matrix ? [{target: targetOf(matrix.name, matrix.layer), format: p.format}] : [];
  });
  if (config.sharedClassifier) {
    const output = overrideFor(spec, "output", 0) ?? overrides.find((o) => o.target === "token_embd")!.format;
    overrides.push({target: "output", format: output});
  }
  return {base: FP32, overrides};
}

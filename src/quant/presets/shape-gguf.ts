// A random-weight GGUF file of a real model's shape (src/model-files/shapes.ts) in any preset: the tensors llama.cpp
// names for that architecture, each made, quantized and handed to the writer in turn, a few rows at a time, so
// neither the float32 model nor a float32 tensor is ever held whole. Deterministic from the seed: each tensor has its
// own stream (the seed and the tensor's name), so the values do not depend on the order or the preset.
//
// The values have the scale of a freshly initialized model: matrices uniform with standard deviation 0.02 (GPT-2's
// initializer's width, the shape of PyTorch's default uniform init), norms 1, biases of the same 0.02: the residual
// stream stays small, the logits near uniform, nothing overflows in any type.
import {ggufTensorName, LAYER_MATRICES} from "../../model-files/matrix-names.ts";
import {toModelShape, type ModelShape} from "../../model-files/shapes.ts";
import type {GgufLazyTensor, GgufOutEntry} from "../../model-files/gguf/index.ts";
import {syntheticVocab} from "../../tokenizers/synthetic-vocab.ts";
import type {QuantSpec} from "../spec.ts";
import {encodeTensor} from "./ggml-codecs.ts";
import {toPreset, type Preset} from "./presets.ts";
import {quantizedMetadata, toPresetSpec, type QuantizedGgufStream} from "./quantize-gguf.ts";
import type {PresetModel, PresetTensor} from "./resolve.ts";
import {planSpec} from "./spec-plan.ts";

/** standard deviation of every matrix and bias */
export const WEIGHT_STD = 0.02;
/** values made (and quantized) at a time, at least one row */
const CHUNK_VALUES = 1 << 20;

export interface ShapeGgufOptions {
  /** a positive integer (default 1) */
  readonly seed?: number;
  /** fewer layers than the shape's, for quick experiments and tests (default: the shape's) */
  readonly layers?: number;
}

/** The tensors of the shape as llama.cpp names them, all F32, shape in ggml's ne order (row length first). */
export function shapeTensors(shape: ModelShape, nLayers = shape.nLayers): PresetTensor[] {
  const {dim, nHeads, nKvHeads, hiddenDim, vocabSize} = shape;
  const headSize = dim / nHeads;
  const [q, kv] = [nHeads * headSize, nKvHeads * headSize];
  const out: PresetTensor[] = [{name: "token_embd.weight", shape: [dim, vocabSize]}];
  out.push({name: "output_norm.weight", shape: [dim]});
  if (!shape.tied) out.push({name: "output.weight", shape: [dim, vocabSize]});
  const matrices: Record<(typeof LAYER_MATRICES)[number], [number, number]> = {
    attn_q: [dim, q],
    attn_k: [dim, kv],
    attn_v: [dim, kv],
    attn_output: [q, dim],
    ffn_gate: [dim, hiddenDim],
    ffn_up: [dim, hiddenDim],
    ffn_down: [hiddenDim, dim]
  };
  for (let l = 0; l < nLayers; l++) {
    out.push({name: `blk.${l}.attn_norm.weight`, shape: [dim]}, {name: `blk.${l}.ffn_norm.weight`, shape: [dim]});
    for (const name of LAYER_MATRICES) out.push({name: ggufTensorName(name, l), shape: matrices[name]});
    if (shape.architecture === "qwen2")
      for (const [name, n] of [
        ["attn_q", q],
        ["attn_k", kv],
        ["attn_v", kv]
      ] as const)
        out.push({name: `blk.${l}.${name}.bias`, shape: [n]});
  }
  return out;
}

/** The metadata convert_hf_to_gguf.py writes for the shape (before the file type), with a synthetic vocabulary. */
export function shapeMetadata(shape: ModelShape, nLayers: number, seed: number): GgufOutEntry[] {
  const a = shape.architecture;
  const u32 = (key: string, value: number): GgufOutEntry => ({key: `${a}.${key}`, type: "u32", value});
  const f32 = (key: string, value: number): GgufOutEntry => ({key: `${a}.${key}`, type: "f32", value});
  return [
    {key: "general.architecture", type: "string", value: a},
    {key: "general.type", type: "string", value: "model"},
    {key: "general.name", type: "string", value: `${shape.name} shape, random weights (glassbox shape, seed ${seed})`},
    u32("block_count", nLayers),
    u32("context_length", shape.contextLength),
    u32("embedding_length", shape.dim),
    u32("feed_forward_length", shape.hiddenDim),
    u32("attention.head_count", shape.nHeads),
    u32("attention.head_count_kv", shape.nKvHeads),
    f32("rope.freq_base", shape.ropeTheta),
    f32("attention.layer_norm_rms_epsilon", shape.rmsEps),
    u32("vocab_size", shape.vocabSize),
    u32("rope.dimension_count", shape.dim / shape.nHeads),
    ...syntheticVocab({...shape.vocab, size: shape.vocabSize})
  ];
}

/** FNV-1a of the seed and the name: each tensor's own stream. */
function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Fills x with uniform values in [-halfWidth, halfWidth) from xorshift32 (cheap: the values need no quality beyond
 * looking random to a matmul); returns the generator's state to continue from. */
function fillUniform(x: Float32Array, state: number, halfWidth: number): number {
  let s = state | 0 || 1;
  const scale = halfWidth / 2 ** 31;
  for (let i = 0; i < x.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = s * scale;
  }
  return s;
}

/** The tensor's values made and encoded in chunks of whole rows (a type's blocks never cross a row). */
function randomTensor(t: PresetTensor, type: string, seed: number): Uint8Array {
  const cols = t.shape[0]!;
  const rows = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const norm = t.name.endsWith("_norm.weight");
  let state = streamSeed(seed, t.name);
  const halfWidth = WEIGHT_STD * Math.sqrt(3);
  const chunkRows = Math.max(1, Math.floor(CHUNK_VALUES / cols));
  let out: Uint8Array | undefined;
  const values = new Float32Array(Math.min(rows, chunkRows) * cols);
  for (let r = 0; r < rows; r += chunkRows) {
    const n = Math.min(chunkRows, rows - r);
    const chunk = values.subarray(0, n * cols);
    if (norm) chunk.fill(1);
    else state = fillUniform(chunk, state, halfWidth);
    const bytes = encodeTensor(type, chunk);
    out ??= new Uint8Array((bytes.byteLength / n) * rows);
    out.set(bytes, (bytes.byteLength / n) * r);
  }
  return out!;
}

/** The shape's random-weight model quantized with a preset or a preset spec, tensors made when written. */
export function shapeGguf(
  shapeName: string | ModelShape,
  presetOrSpec: string | Preset | QuantSpec,
  options: ShapeGgufOptions = {}
): QuantizedGgufStream {
  const shape = typeof shapeName === "string" ? toModelShape(shapeName) : shapeName;
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed <= 0) throw new Error(`invalid seed: ${seed} (a positive integer)`);
  const nLayers = options.layers ?? shape.nLayers;
  if (!Number.isInteger(nLayers) || nLayers < 1 || nLayers > shape.nLayers)
    throw new Error(`invalid layers: ${nLayers} (1 to ${shape.nLayers}, the shape's)`);
  const spec = toPresetSpec(presetOrSpec);
  const preset = toPreset(spec.preset!);
  const tensors = shapeTensors(shape, nLayers);
  const model: PresetModel = {tensors, nLayers, nHead: shape.nHeads, nHeadKv: shape.nKvHeads};
  const plan = planSpec(spec, model);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const lazy = plan.map((p): GgufLazyTensor => ({
    name: p.name,
    type: p.type!,
    shape: p.shape,
    data: () => randomTensor(byName.get(p.name)!, p.type!, seed)
  }));
  return {
    preset,
    spec,
    imatrixMissing: [],
    plan,
    out: {metadata: quantizedMetadata(shapeMetadata(shape, nLayers, seed), preset), tensors: lazy}
  };
}

// All parameters in one flat buffer, laid out exactly as the llama2.c legacy checkpoint stores them after its header,
// so saving is one copy and the optimizer is one loop. Views name the per-layer slices.
// V = vocab, D = dim, KV = kv_dim, F = hidden_dim, L = n_layers.
import type {Config} from "../engine/model.ts";
import type {Rng} from "./rng.ts";
import type {Vec, VecConstructor} from "./ops/vec.ts";

export type TensorName =
  | "tok_embeddings"
  | "rms_att_weight"
  | "wq"
  | "wk"
  | "wv"
  | "wo"
  | "rms_ffn_weight"
  | "w1"
  | "w2"
  | "w3"
  | "rms_final_weight"
  | "wcls";

export interface TensorLayout {
  name: TensorName;
  offset: number;
  layers: number; // 1 for tensors outside the blocks
  rows: number; // per layer
  cols: number; // per row
  /** a matrix: weight decay, init N(0, std) and int8 quantization apply; norms are vectors of ones */
  matrix: boolean;
}

export function paramLayout(c: Config): TensorLayout[] {
  const {vocabSize: V, dim: D, kvDim: KV, hiddenDim: F, nLayers: L} = c;
  const entries: [TensorName, number, number, number, boolean][] = [
    ["tok_embeddings", 1, V, D, true],
    ["rms_att_weight", L, 1, D, false],
    ["wq", L, D, D, true],
    ["wk", L, KV, D, true],
    ["wv", L, KV, D, true],
    ["wo", L, D, D, true],
    ["rms_ffn_weight", L, 1, D, false],
    ["w1", L, F, D, true],
    ["w2", L, D, F, true],
    ["w3", L, F, D, true],
    ["rms_final_weight", 1, 1, D, false]
  ];
  if (!c.sharedClassifier) entries.push(["wcls", 1, V, D, true]);
  let offset = 0;
  return entries.map(([name, layers, rows, cols, matrix]) => {
    const t = {name, offset, layers, rows, cols, matrix};
    offset += layers * rows * cols;
    return t;
  });
}

export function paramCount(c: Config): number {
  const last = paramLayout(c).at(-1)!;
  return last.offset + last.layers * last.rows * last.cols;
}

export interface LayerViews {
  rmsAtt: Vec; // (D,)
  wq: Vec; // (D, D)
  wk: Vec; // (KV, D)
  wv: Vec; // (KV, D)
  wo: Vec; // (D, D)
  rmsFfn: Vec; // (D,)
  w1: Vec; // (F, D) gate
  w2: Vec; // (D, F) down
  w3: Vec; // (F, D) up
}

export interface ParamViews {
  tokEmb: Vec; // (V, D)
  layers: LayerViews[]; // (L,)
  rmsFinal: Vec; // (D,)
  wcls: Vec; // (V, D), the embedding table itself when the classifier is shared
}

/** Named views into a flat buffer of this layout (parameters, gradients or fake-quantized copies alike). */
export function paramViews(c: Config, flat: Vec): ParamViews {
  const tensors = new Map(paramLayout(c).map((t) => [t.name, t]));
  const slice = (name: TensorName, layer = 0): Vec => {
    const t = tensors.get(name)!;
    const size = t.rows * t.cols;
    return flat.subarray(t.offset + layer * size, t.offset + (layer + 1) * size);
  };
  const layers = Array.from({length: c.nLayers}, (_, l) => ({
    rmsAtt: slice("rms_att_weight", l),
    wq: slice("wq", l),
    wk: slice("wk", l),
    wv: slice("wv", l),
    wo: slice("wo", l),
    rmsFfn: slice("rms_ffn_weight", l),
    w1: slice("w1", l),
    w2: slice("w2", l),
    w3: slice("w3", l)
  }));
  const tokEmb = slice("tok_embeddings");
  return {tokEmb, layers, rmsFinal: slice("rms_final_weight"), wcls: c.sharedClassifier ? tokEmb : slice("wcls")};
}

export const INIT_STD = 0.02;

/**
 * llama2.c's init: matrices N(0, 0.02), the residual-stream outputs (wo, w2) N(0, 0.02/√(2L)), norms 1. Draws in
 * layout order from the one seeded generator.
 */
export function initParams(c: Config, ctor: VecConstructor, rng: Rng): Vec {
  const flat = new ctor(paramCount(c));
  for (const t of paramLayout(c)) {
    const end = t.offset + t.layers * t.rows * t.cols;
    const std = t.name === "wo" || t.name === "w2" ? INIT_STD / Math.sqrt(2 * c.nLayers) : INIT_STD;
    for (let i = t.offset; i < end; i++) flat[i] = t.matrix ? std * rng.normal() : 1;
  }
  return flat;
}

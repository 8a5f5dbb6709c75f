// A trainable model: config, flat parameters and gradients (llama2.c layout), RoPE tables, and the buffers of one
// forward/backward pass over B sequences of T positions. N = B·T rows; D, KV, F, V as in params.ts.
import type {Config} from "../engine/model.ts";
import {toFakeQuant, type FakeQuantSpec} from "./fake-quant.ts";
import {paramCount, paramViews, type ParamViews} from "./params.ts";
import {ropeTables, type RopeTables} from "./ops/rope.ts";
import type {Vec, VecConstructor} from "./ops/vec.ts";

export interface TrainModel {
  config: Config;
  ctor: VecConstructor;
  params: Vec; // (paramCount,) the float weights the optimizer updates
  grads: Vec; // (paramCount,) accumulated by backward
  /** (paramCount,) fake-quantized copy of params the forward reads, when QAT is on */
  quantized: Vec | null;
  fakeQuant: Required<FakeQuantSpec> | null;
  rope: RopeTables; // (seqLen, head_size/2)
}

export function makeModel(config: Config, params: Vec, fakeQuant: FakeQuantSpec | null = null): TrainModel {
  const ctor = params instanceof Float64Array ? Float64Array : Float32Array;
  if (params.length !== paramCount(config)) throw new Error(`invalid params: ${params.length} values for this config`);
  return {
    config,
    ctor,
    params,
    grads: new ctor(params.length),
    quantized: fakeQuant ? new ctor(params.length) : null,
    fakeQuant: fakeQuant ? toFakeQuant(fakeQuant) : null,
    rope: ropeTables(config.seqLen, config.headSize)
  };
}

export interface LayerActivations {
  xn1: Vec; // (N, D) attention rmsnorm output
  rstd1: Vec; // (N,)
  q: Vec; // (N, D) after RoPE
  k: Vec; // (N, KV) after RoPE
  v: Vec; // (N, KV)
  att: Vec; // (B, n_heads, T, T) softmax weights
  z: Vec; // (N, D) attention output before wo
  xmid: Vec; // (N, D) residual stream after attention
  xn2: Vec; // (N, D) ffn rmsnorm output
  rstd2: Vec; // (N,)
  h1: Vec; // (N, F) gate pre-activation
  h3: Vec; // (N, F) up projection
  g: Vec; // (N, F) silu(h1)·h3
}

export interface Activations {
  B: number;
  T: number;
  tokens: Int32Array; // (N,)
  targets: Int32Array; // (N,)
  x: Vec[]; // (L+1) × (N, D) residual stream entering each layer, then leaving the last
  layers: LayerActivations[]; // (L,)
  xf: Vec; // (N, D) final rmsnorm output
  rstdF: Vec; // (N,)
  logits: Vec; // (N, V) logits, then probabilities, then their gradient
  // backward scratch
  dres: Vec; // (N, D) gradient of the residual stream
  dxn: Vec; // (N, D)
  dq: Vec; // (N, D)
  dk: Vec; // (N, KV)
  dv: Vec; // (N, KV)
  dz: Vec; // (N, D)
  dh1: Vec; // (N, F)
  dh3: Vec; // (N, F)
  dg: Vec; // (N, F)
}

/** Buffers for batches of up to B sequences of up to T positions (T ≤ seqLen). */
export function makeActivations(model: TrainModel, B: number, T: number): Activations {
  const {config: c, ctor} = model;
  if (T > c.seqLen) throw new Error(`invalid T: ${T} (seqLen ${c.seqLen})`);
  const N = B * T;
  const [D, KV, F] = [c.dim, c.kvDim, c.hiddenDim];
  const vec = (n: number): Vec => new ctor(n);
  return {
    B,
    T,
    tokens: new Int32Array(N),
    targets: new Int32Array(N),
    x: Array.from({length: c.nLayers + 1}, () => vec(N * D)),
    layers: Array.from({length: c.nLayers}, () => ({
      xn1: vec(N * D),
      rstd1: vec(N),
      q: vec(N * D),
      k: vec(N * KV),
      v: vec(N * KV),
      att: vec(B * c.nHeads * T * T),
      z: vec(N * D),
      xmid: vec(N * D),
      xn2: vec(N * D),
      rstd2: vec(N),
      h1: vec(N * F),
      h3: vec(N * F),
      g: vec(N * F)
    })),
    xf: vec(N * D),
    rstdF: vec(N),
    logits: vec(N * c.vocabSize),
    dres: vec(N * D),
    dxn: vec(N * D),
    dq: vec(N * D),
    dk: vec(N * KV),
    dv: vec(N * KV),
    dz: vec(N * D),
    dh1: vec(N * F),
    dh3: vec(N * F),
    dg: vec(N * F)
  };
}

/** The weights the forward reads: params, or their fake-quantized copy under QAT. */
export function forwardWeights(model: TrainModel): ParamViews {
  return paramViews(model.config, model.quantized ?? model.params);
}

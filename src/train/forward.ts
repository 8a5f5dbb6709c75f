// The training forward: llama2.c's forward for every position of B sequences at once, saving what the backward needs.
// B = sequences, T = positions, N = B·T rows, D = dim, KV = kv_dim, F = hidden_dim, V = vocab.
import {fakeQuantize} from "./fake-quant.ts";
import type {Activations, TrainModel} from "./model.ts";
import {forwardWeights} from "./model.ts";
import {paramLayout} from "./params.ts";
import {attentionForward} from "./ops/attention.ts";
import {crossEntropyForward} from "./ops/cross-entropy.ts";
import {embeddingForward} from "./ops/embedding.ts";
import {matmulForward} from "./ops/matmul.ts";
import {rmsnormForward} from "./ops/rmsnorm.ts";
import {rope} from "./ops/rope.ts";
import {swigluForward} from "./ops/swiglu.ts";

function refreshFakeQuant(model: TrainModel): void {
  const {quantized, fakeQuant, params} = model;
  if (!quantized || !fakeQuant) return;
  quantized.set(params);
  for (const t of paramLayout(model.config)) {
    if (!t.matrix) continue;
    const end = t.offset + t.layers * t.rows * t.cols;
    fakeQuantize(
      quantized.subarray(t.offset, end),
      params.subarray(t.offset, end),
      t.layers * t.rows,
      t.cols,
      fakeQuant
    );
  }
}

/**
 * Runs acts.tokens (B·T,) through the model; with targets, returns the mean cross-entropy and leaves probabilities in
 * acts.logits, otherwise returns NaN and leaves the logits. B and T may be smaller than the buffers' capacity.
 */
export function forward(model: TrainModel, acts: Activations, B: number, T: number, withTargets: boolean): number {
  const c = model.config;
  refreshFakeQuant(model);
  const w = forwardWeights(model);
  const N = B * T;
  const [D, KV, F] = [c.dim, c.kvDim, c.hiddenDim];
  const shape = {B, T, H: c.nHeads, K: c.nKvHeads, hs: c.headSize};
  embeddingForward(acts.x[0]!, acts.tokens, w.tokEmb, N, D);
  for (let l = 0; l < c.nLayers; l++) {
    const [a, lw, x, out] = [acts.layers[l]!, w.layers[l]!, acts.x[l]!, acts.x[l + 1]!];
    // attention rmsnorm, qkv projections, RoPE on q and k
    rmsnormForward(a.xn1, a.rstd1, x, lw.rmsAtt, N, D);
    matmulForward(a.q, a.xn1, lw.wq, N, D, D);
    matmulForward(a.k, a.xn1, lw.wk, N, D, KV);
    matmulForward(a.v, a.xn1, lw.wv, N, D, KV);
    rope(a.q, model.rope, N, T, D, c.headSize, false);
    rope(a.k, model.rope, N, T, KV, c.headSize, false);
    // causal multi-head attention, output projection, residual
    attentionForward(a.z, a.att, a.q, a.k, a.v, shape);
    matmulForward(a.xmid, a.z, lw.wo, N, D, D);
    for (let i = 0; i < N * D; i++) a.xmid[i] += x[i]!;
    // ffn rmsnorm, SwiGLU: w2(silu(w1(x)) * w3(x)), residual
    rmsnormForward(a.xn2, a.rstd2, a.xmid, lw.rmsFfn, N, D);
    matmulForward(a.h1, a.xn2, lw.w1, N, D, F);
    matmulForward(a.h3, a.xn2, lw.w3, N, D, F);
    swigluForward(a.g, a.h1, a.h3, N * F);
    matmulForward(out, a.g, lw.w2, N, F, D);
    for (let i = 0; i < N * D; i++) out[i] += a.xmid[i]!;
  }
  // final rmsnorm and classifier
  rmsnormForward(acts.xf, acts.rstdF, acts.x[c.nLayers]!, w.rmsFinal, N, D);
  matmulForward(acts.logits, acts.xf, w.wcls, N, D, c.vocabSize);
  return withTargets ? crossEntropyForward(acts.logits, acts.logits, acts.targets, N, c.vocabSize) : NaN;
}

// The backward of forward.ts, in reverse order, accumulating into model.grads (zero them before a new batch).
// Under fake quantization the local gradients use the quantized weights and land on the float ones (straight-through).
// B = sequences, T = positions, N = B·T rows, D = dim, KV = kv_dim, F = hidden_dim, V = vocab.
import type {Activations, TrainModel} from "./model.ts";
import {forwardWeights} from "./model.ts";
import {paramViews} from "./params.ts";
import {attentionBackward} from "./ops/attention.ts";
import {crossEntropyBackward} from "./ops/cross-entropy.ts";
import {embeddingBackward} from "./ops/embedding.ts";
import {matmulBackward} from "./ops/matmul.ts";
import {rmsnormBackward} from "./ops/rmsnorm.ts";
import {rope} from "./ops/rope.ts";
import {swigluBackward} from "./ops/swiglu.ts";

/** Needs the probabilities a forward(…, withTargets = true) over the same B, T left in acts. */
export function backward(model: TrainModel, acts: Activations, B: number, T: number): void {
  const c = model.config;
  const w = forwardWeights(model);
  const g = paramViews(c, model.grads);
  const N = B * T;
  const [D, KV, F] = [c.dim, c.kvDim, c.hiddenDim];
  const shape = {B, T, H: c.nHeads, K: c.nKvHeads, hs: c.headSize};
  const {dres, dxn, dq, dk, dv, dz, dh1, dh3, dg} = acts;
  // classifier and final rmsnorm
  crossEntropyBackward(acts.logits, acts.logits, acts.targets, N, c.vocabSize);
  dxn.fill(0, 0, N * D);
  matmulBackward(dxn, g.wcls, acts.logits, acts.xf, w.wcls, N, D, c.vocabSize);
  dres.fill(0, 0, N * D);
  rmsnormBackward(dres, g.rmsFinal, dxn, acts.x[c.nLayers]!, w.rmsFinal, acts.rstdF, N, D);
  for (let l = c.nLayers - 1; l >= 0; l--) {
    const [a, lw, lg] = [acts.layers[l]!, w.layers[l]!, g.layers[l]!];
    // ffn: dres flows to xmid directly and through w2, SwiGLU, w1/w3 and the rmsnorm
    dg.fill(0, 0, N * F);
    matmulBackward(dg, lg.w2, dres, a.g, lw.w2, N, F, D);
    swigluBackward(dh1, dh3, dg, a.h1, a.h3, N * F);
    dxn.fill(0, 0, N * D);
    matmulBackward(dxn, lg.w1, dh1, a.xn2, lw.w1, N, D, F);
    matmulBackward(dxn, lg.w3, dh3, a.xn2, lw.w3, N, D, F);
    rmsnormBackward(dres, lg.rmsFfn, dxn, a.xmid, lw.rmsFfn, a.rstd2, N, D);
    // attention: through wo, the softmax-weighted sum, RoPE (turned back), the qkv projections and the rmsnorm
    dz.fill(0, 0, N * D);
    matmulBackward(dz, lg.wo, dres, a.z, lw.wo, N, D, D);
    attentionBackward(dq, dk, dv, dz, a.att, a.q, a.k, a.v, shape);
    rope(dq, model.rope, N, T, D, c.headSize, true);
    rope(dk, model.rope, N, T, KV, c.headSize, true);
    dxn.fill(0, 0, N * D);
    matmulBackward(dxn, lg.wq, dq, a.xn1, lw.wq, N, D, D);
    matmulBackward(dxn, lg.wk, dk, a.xn1, lw.wk, N, D, KV);
    matmulBackward(dxn, lg.wv, dv, a.xn1, lw.wv, N, D, KV);
    rmsnormBackward(dres, lg.rmsAtt, dxn, acts.x[l]!, lw.rmsAtt, a.rstd1, N, D);
  }
  embeddingBackward(g.tokEmb, dres, acts.tokens, N, D);
}

// The logit lens: read the residual stream after each block as if it were the last one, through the final RMSNorm
// and the classifier, and see what the model would predict at that depth. The row after the last block is the
// model's own output.
import type {Transformer} from "../../engine/index.ts";
import {rmsnorm} from "../../engine/ops/index.ts";
import {probabilities} from "./tokens.ts";

export interface LensPrediction {
  /** top-1 token id */
  id: number;
  /** its probability */
  p: number;
}

/**
 * For each residual (T, D) in `residuals` (one per depth) and each position: the top-1 token of
 * softmax(wcls · rmsnorm(resid, rms_final)) and its probability. Returns [depth][position].
 */
export function logitLensTop(model: Transformer, residuals: readonly Float32Array[], T: number): LensPrediction[][] {
  const {dim: D, vocabSize: V} = model.config;
  const normed = new Float32Array(D); // (D,)
  const logits = new Float32Array(V); // (V,)
  return residuals.map((resid) =>
    Array.from({length: T}, (_, t) => {
      rmsnorm(normed, resid.subarray(t * D, (t + 1) * D), model.weights.rmsFinal, D);
      model.matrices.matvec(logits, normed, "output", 0);
      const p = probabilities(logits);
      let id = 0;
      for (let i = 1; i < V; i++) if (p[i]! > p[id]!) id = i;
      return {id, p: p[id]!};
    })
  );
}

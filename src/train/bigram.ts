// The corpus's bigram baseline: next-token cross-entropy of add-α smoothed bigram counts from the training stream,
// on the same (token, next token) pairs the model's validation loss uses. α is the best of a few values on those
// pairs, which favours the baseline (a stronger bar for the model to clear).
import {evalOffsets} from "./data.ts";

export const BIGRAM_ALPHAS = [1, 0.1, 0.01, 0.001];

export interface BigramBaseline {
  loss: number; // nats per token
  alpha: number;
}

export function bigramBaseline(
  train: Int32Array,
  val: Int32Array,
  V: number,
  T: number,
  maxWindows: number
): BigramBaseline {
  const counts = new Float64Array(V * V);
  const rowTotals = new Float64Array(V);
  for (let i = 0; i + 1 < train.length; i++) {
    counts[train[i]! * V + train[i + 1]!]++;
    rowTotals[train[i]!]++;
  }
  const offsets = evalOffsets(val, T, maxWindows);
  const losses = BIGRAM_ALPHAS.map((alpha) => {
    let total = 0;
    for (const o of offsets) {
      for (let i = o; i < o + T; i++) {
        const [a, b] = [val[i]!, val[i + 1]!];
        total -= Math.log((counts[a * V + b]! + alpha) / (rowTotals[a]! + alpha * V));
      }
    }
    return {loss: total / (offsets.length * T), alpha};
  });
  return losses.reduce((best, x) => (x.loss < best.loss ? x : best));
}

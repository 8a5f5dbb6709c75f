// Mean cross-entropy of next-token targets under softmax(logits), and its gradient.
import type {Vec} from "./vec.ts";

export function crossEntropyForward(probs: Vec, logits: Vec, targets: Int32Array, N: number, V: number): number {
  // logits (N,V), targets (N,) -> probs (N,V) (may alias logits); returns mean −log p(target)
  let total = 0;
  for (let t = 0; t < N; t++) {
    const o = t * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, logits[o + j]!);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(logits[o + j]! - max);
    total += Math.log(sum) - (logits[o + targets[t]!]! - max);
    for (let j = 0; j < V; j++) probs[o + j] = Math.exp(logits[o + j]! - max) / sum;
  }
  return total / N;
}

export function crossEntropyBackward(dlogits: Vec, probs: Vec, targets: Int32Array, N: number, V: number): void {
  // probs (N,V) -> dlogits (N,V) = (probs − onehot(target)) / N (may alias probs)
  for (let t = 0; t < N; t++) {
    for (let j = 0; j < V; j++) dlogits[t * V + j] = probs[t * V + j]! / N;
    dlogits[t * V + targets[t]!] -= 1 / N;
  }
}

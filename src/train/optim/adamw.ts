// AdamW (Loshchilov & Hutter): Adam moments with bias correction, weight decay applied to the weights directly and
// only where decay[i] is 1 (matrices, not norms). One pass over the flat parameter buffer, in index order.
import type {Vec} from "../ops/vec.ts";

export interface AdamWState {
  m: Float32Array; // (P,) first moment
  v: Float32Array; // (P,) second moment
  decay: Uint8Array; // (P,) 1 where weight decay applies
  step: number; // updates done so far
}

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export function adamwStep(params: Vec, grads: Vec, state: AdamWState, lr: number, s: AdamWSettings): void {
  state.step++;
  const c1 = 1 - Math.pow(s.beta1, state.step);
  const c2 = 1 - Math.pow(s.beta2, state.step);
  const {m, v, decay} = state;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i]!;
    m[i] = s.beta1 * m[i]! + (1 - s.beta1) * g;
    v[i] = s.beta2 * v[i]! + (1 - s.beta2) * g * g;
    const p = decay[i] ? params[i]! * (1 - lr * s.weightDecay) : params[i]!;
    params[i] = p - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + s.eps);
  }
}

// Global gradient-norm clipping: if ‖g‖₂ > maxNorm, scale g by maxNorm/‖g‖₂. Returns the norm before clipping.
import type {Vec} from "../ops/vec.ts";

export function clipGradNorm(grads: Vec, maxNorm: number): number {
  let ss = 0;
  for (let i = 0; i < grads.length; i++) ss += grads[i]! * grads[i]!;
  const norm = Math.sqrt(ss);
  if (norm > maxNorm) {
    const scale = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * scale;
  }
  return norm;
}

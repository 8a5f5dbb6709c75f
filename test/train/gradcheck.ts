// Finite-difference gradient checking in float64: the analytic gradient of a scalar loss against central differences.
import {expectClose} from "../helpers/expect-close.ts";
import {makeRng} from "../../src/train/index.ts";

/** Central-difference step: small enough for the truncation error, large enough for float64 round-off. */
export const FD_STEP = 1e-5;
/** Allowed |analytic − numeric| relative to the gradient's size, for float64 losses of O(1). */
export const GRAD_RTOL = 1e-6;
export const GRAD_ATOL = 1e-8;

export function seeded(n: number, seed: number, scale = 1): Float64Array {
  const rng = makeRng(seed);
  return Float64Array.from({length: n}, () => scale * rng.normal());
}

/** Checks grad (the analytic ∂loss/∂x) against central differences of loss() in every element of x. */
export function checkGradient(label: string, x: Float64Array, grad: ArrayLike<number>, loss: () => number): void {
  const numeric = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + FD_STEP;
    const up = loss();
    x[i] = keep - FD_STEP;
    const down = loss();
    x[i] = keep;
    numeric[i] = (up - down) / (2 * FD_STEP);
  }
  expectClose(grad, numeric, {atol: GRAD_ATOL, rtol: GRAD_RTOL}, label);
}

/** Σ r·out: a scalar whose gradient with respect to out is r, to pull any op's output back through its backward. */
export function project(out: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += out[i]! * r[i]!;
  return s;
}

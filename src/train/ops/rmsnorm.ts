// RMSNorm as in llama2.c: out = w ⊙ x / sqrt(mean(x²) + 1e-5), per row.
import type {Vec} from "./vec.ts";

export const RMS_EPS = 1e-5;

export function rmsnormForward(out: Vec, rstd: Vec, x: Vec, w: Vec, N: number, D: number): void {
  // x (N,D), w (D,) -> out (N,D), rstd (N,) = 1/rms saved for the backward
  for (let t = 0; t < N; t++) {
    const o = t * D;
    let ss = 0;
    for (let j = 0; j < D; j++) ss += x[o + j]! * x[o + j]!;
    const r = 1 / Math.sqrt(ss / D + RMS_EPS);
    rstd[t] = r;
    for (let j = 0; j < D; j++) out[o + j] = w[j]! * (r * x[o + j]!);
  }
}

export function rmsnormBackward(dx: Vec, dw: Vec, dout: Vec, x: Vec, w: Vec, rstd: Vec, N: number, D: number): void {
  // dout (N,D) -> dx (N,D) += ∂/∂x, dw (D,) += ∂/∂w;  dx_j = r·w_j·g_j − r³/D · x_j · Σ_k w_k·g_k·x_k
  for (let t = 0; t < N; t++) {
    const o = t * D;
    const r = rstd[t]!;
    let dot = 0;
    for (let j = 0; j < D; j++) dot += w[j]! * dout[o + j]! * x[o + j]!;
    const c = (r * r * r * dot) / D;
    for (let j = 0; j < D; j++) {
      dw[j] += dout[o + j]! * r * x[o + j]!;
      dx[o + j] += r * w[j]! * dout[o + j]! - c * x[o + j]!;
    }
  }
}

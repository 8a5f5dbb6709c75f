// The kernel table the forward pass calls through. The reference ops are the default; a faster backend (WASM, threads)
// installs kernels with the same signatures and contracts: `model.kernels = {...referenceKernels, matvec: fast}`.
import {
  attentionMix,
  attentionScores,
  matmul,
  matvec,
  rmsnorm,
  rmsnormRows,
  rmsnormWithScale,
  rope,
  ropeNeox,
  softmax,
  swiglu
} from "./ops/index.ts";

export interface Kernels {
  /** W (d,n) @ x (n,) -> out (d,) */
  matvec: typeof matvec;
  /** X (T,n) @ W (d,n)ᵀ -> out (T,d) */
  matmul: typeof matmul;
  /** x (n,) -> out (n,) = w·x/scale; returns scale = sqrt(mean(x²)+eps) */
  rmsnorm: typeof rmsnorm;
  /** x (T,n) -> out (T,n) rows as rmsnorm, scales (T,) = their scales; returns nothing (see ops/rmsnorm.ts) */
  rmsnormRows: typeof rmsnormRows;
  /** x (n,) -> out (n,) = w·x/scale for a given scale */
  rmsnormWithScale: typeof rmsnormWithScale;
  /** x (nHeads, headSize) -> out, pairs (2i, 2i+1) rotated by pos·θᵢ */
  rope: typeof rope;
  /** x (nHeads, headSize) -> out, pairs (i, i + headSize/2) rotated by pos·θᵢ (NeoX) */
  ropeNeox: typeof ropeNeox;
  /** x[offset..offset+n) -> out[offset..offset+n) softmax */
  softmax: typeof softmax;
  /** out (n,) = silu(gate)·up */
  swiglu: typeof swiglu;
  /** q (T, D), key cache -> att (NH, T, kLen) causal scaled scores */
  attentionScores: typeof attentionScores;
  /** att (NH, T, kLen), value cache -> z (T, D) */
  attentionMix: typeof attentionMix;
}

export const referenceKernels: Readonly<Kernels> = Object.freeze({
  matvec,
  matmul,
  rmsnorm,
  rmsnormRows,
  rmsnormWithScale,
  rope,
  ropeNeox,
  softmax,
  swiglu,
  attentionScores,
  attentionMix
});

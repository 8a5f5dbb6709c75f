// The fused quantized-matvec pair the get_w providers call, its plain TS reference, and the memory a fast backend
// offers for weights. A fast backend (src/kernels: WebAssembly SIMD) implements QuantKernels over its own memory: it
// runs a matrix fast only when the packed blocks lie where it can address them, so it may `place` a copy there, and
// the provider keeps the floats of the cached and dequant modes in the backend's WeightRegion for the same reason.
import {createQ8Vector, quantizeQ8} from "./act.ts";
import type {Q8Vector} from "./codec.ts";
import {matvecQuant, matvecQuantQ8, type QuantizedMatrix} from "./matrix.ts";
import {matvecVecDot} from "./vec-dot.ts";

export interface QuantKernels {
  /** fused: W (rows, cols) quantized @ x (cols,) -> out (rows,), dequantizing inside each dot; x stays float32 */
  matvecQuant(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void;
  /** fused prefill: X (T, cols) @ Wᵀ -> out (T, rows), the same numbers as T matvecQuant calls; x stays float32 */
  matmulQuant(out: Float32Array, x: Float32Array, T: number, q: QuantizedMatrix): void;
  /** integer path: x (cols,) quantized to Q8_0 blocks once (Q8_1 sums for Q4_1), then integer block dots */
  matvecQuantQ8(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void;
  /**
   * llama.cpp's product (--act ggml): x converted to q's vec_dot_type (vec-dot.ts: Q8_0 as x86 rounds it, Q8_1, Q8_K,
   * fp16, bf16), then ggml's block dot products. q must be a ggml type on whole blocks per row (no tail, not flat).
   */
  matvecVecDot(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void;
  /**
   * q as these kernels run it fastest: its blocks copied into memory from `bytes` when they have a fast kernel for
   * its format (and `bytes` has room), else q itself. Absent: every matrix runs where it is.
   */
  place?(q: QuantizedMatrix, bytes: (n: number) => Uint8Array | null): QuantizedMatrix;
}

/**
 * Room for weights where a fast backend's kernels read them, handed out by a bump allocator and emptied as a whole.
 * One provider uses it at a time: a provider that finds `epoch` changed since it last cleared it lost its copies and
 * makes them again. Memory handed out is not zeroed.
 */
export interface WeightRegion {
  /** bumped by every clear(): views from an earlier epoch may be overwritten */
  readonly epoch: number;
  /** bytes the region holds */
  readonly capacity: number;
  clear(): void;
  /** `n` floats in the region, or null when it is full */
  floats(n: number): Float32Array | null;
  /** `n` bytes in the region, or null when it is full */
  bytes(n: number): Uint8Array | null;
}

/** The src/quant kernels behind the QuantKernels interface: any memory, one thread. */
export function referenceQuantKernels(): QuantKernels {
  // one quantized-x buffer per vector length, made on first use
  const vectors = new Map<number, Q8Vector>();
  return {
    matvecQuant,
    matmulQuant(out, x, T, q) {
      for (let t = 0; t < T; t++)
        matvecQuant(out.subarray(t * q.rows, (t + 1) * q.rows), x.subarray(t * q.cols, (t + 1) * q.cols), q);
    },
    matvecVecDot,
    matvecQuantQ8(out, x, q) {
      let v = vectors.get(q.cols);
      if (!v) vectors.set(q.cols, (v = createQ8Vector(q.cols)));
      matvecQuantQ8(out, quantizeQ8(v, x), q);
    }
  };
}

// The quantized-matvec kernel pair as the plain TS reference computes it (src/quant), behind the same interface the
// wasm kernels implement, so a provider takes either and tests compare them.
import {
  createQ8Vector,
  matvecQuant,
  matvecQuantQ8,
  quantizeQ8,
  type Q8Vector,
  type QuantizedMatrix
} from "../quant/index.ts";

export interface QuantKernels {
  /** fused: W (rows, cols) quantized @ x (cols,) -> out (rows,), dequantizing inside each dot; x stays float32 */
  matvecQuant(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void;
  /** integer path: x (cols,) quantized to Q8_0 blocks once (Q8_1 sums for Q4_1), then integer block dots */
  matvecQuantQ8(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void;
}

export function referenceQuantKernels(): QuantKernels {
  // one quantized-x buffer per vector length, made on first use
  const vectors = new Map<number, Q8Vector>();
  return {
    matvecQuant,
    matvecQuantQ8(out, x, q) {
      let v = vectors.get(q.cols);
      if (!v) vectors.set(q.cols, (v = createQ8Vector(q.cols)));
      matvecQuantQ8(out, quantizeQ8(v, x.subarray(0, q.cols)), q);
    }
  };
}

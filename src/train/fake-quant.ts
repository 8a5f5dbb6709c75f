// Fake quantization for quantization-aware training: the forward sees weights rounded to a symmetric absmax grid,
// q = round(w / s) clamped to ±(2^(bits−1) − 1), s = absmax / (2^(bits−1) − 1) per group of a row; the backward
// treats the rounding as identity (straight-through estimator), so gradients land on the float weights.
import type {Vec} from "./ops/vec.ts";

export interface FakeQuantSpec {
  /** bits per weight, 2..8 */
  bits?: number;
  /** weights per scale along a row; 0 = one scale per row */
  groupSize?: number;
}

export function toFakeQuant({bits = 8, groupSize = 0}: FakeQuantSpec = {}): Required<FakeQuantSpec> {
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new Error(`invalid bits: ${bits}`);
  if (!Number.isInteger(groupSize) || groupSize < 0) throw new Error(`invalid groupSize: ${groupSize}`);
  return {bits, groupSize};
}

export function fakeQuantize(out: Vec, w: Vec, rows: number, cols: number, spec: Required<FakeQuantSpec>): void {
  // W (rows, cols) -> out (rows, cols) = dequant(quant(W)); groups must tile each row
  const group = spec.groupSize || cols;
  if (cols % group !== 0) throw new Error(`invalid groupSize: ${spec.groupSize} (row length ${cols})`);
  const qmax = 2 ** (spec.bits - 1) - 1;
  for (let start = 0; start < rows * cols; start += group) {
    let absmax = 0;
    for (let j = 0; j < group; j++) absmax = Math.max(absmax, Math.abs(w[start + j]!));
    const scale = absmax / qmax;
    for (let j = 0; j < group; j++) {
      const x = w[start + j]!;
      // round half away from zero, as ggml's roundf
      const q = scale === 0 ? 0 : Math.min(qmax, Math.round(Math.abs(x) / scale)) * Math.sign(x);
      out[start + j] = q * scale;
    }
  }
}

// Finding 3, sigmoid variants: the NumPy origin found the naive 1/(1 + exp(−x)) about 13× faster than a masked
// piecewise version, and warned to keep the result float32. In JavaScript every scalar operation is float64 whatever
// the array holds; the array type only decides what is stored (and how many bytes are read and written). So the
// variants here are: naive into a caller-owned Float32Array (what the engine's swiglu does), the piecewise "stable"
// form with a branch per element, and the naive form promoted to float64 storage (a fresh Float64Array, or a plain
// Array) as an accidental astype(float64) would.
import {maxAbsError} from "../../quant/index.ts";
import {cosineData, keep, timeVariants, type ExperimentOptions, type VariantTiming} from "./measure.ts";

export interface SigmoidResult {
  n: number;
  variants: (VariantTiming & {bytesPerValue: number})[];
  /** piecewise time / naive Float32Array time */
  piecewiseOverNaive: number;
  /** largest |naive − piecewise|: both are exact to float32 rounding */
  maxDiff: number;
  /** the naive form at x = −1000: exp(1000) overflows to Infinity and the result is exactly 0, no warning needed */
  naiveAtMinus1000: number;
}

/** out (n,) = 1 / (1 + exp(−x)). */
export function sigmoidNaive(out: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
}

/** out (n,) = sigmoid(x) with the branch that never calls exp on a positive argument. */
export function sigmoidPiecewise(out: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
}

export async function sigmoidExperiment({
  n = 65536,
  ...options
}: ExperimentOptions & {n?: number} = {}): Promise<SigmoidResult> {
  const x = cosineData(new Float32Array(n), 12) as Float32Array;
  const naive = new Float32Array(n);
  const piecewise = new Float32Array(n);
  const timed = await timeVariants(
    [
      {
        name: "naive, into a Float32Array",
        note: "1/(1+exp(−x)), float64 math, stored as float32",
        run: () => sigmoidNaive(naive, x, n)
      },
      {
        name: "piecewise, into a Float32Array",
        note: "a branch per element so exp never overflows",
        run: () => sigmoidPiecewise(piecewise, x, n)
      },
      {
        name: "naive, into a new Float64Array",
        note: "promoted: twice the bytes, allocated every call",
        run: () => {
          const out = new Float64Array(n);
          for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
          keep(out[0]!);
        }
      },
      {
        name: "naive, as a plain Array (map)",
        note: "Array.from(x, f): a JS array of numbers",
        run: () => {
          keep(Array.from(x, (v) => 1 / (1 + Math.exp(-v)))[0]!);
        }
      }
    ],
    options
  );
  const bytes = [4, 4, 8, 8];
  const variants = timed.map((v, i) => ({...v, bytesPerValue: bytes[i]!}));
  const one = new Float32Array(1);
  sigmoidNaive(one, Float32Array.of(-1000), 1);
  return {
    n,
    variants,
    piecewiseOverNaive: variants[1]!.ms / variants[0]!.ms,
    maxDiff: maxAbsError(naive, piecewise),
    naiveAtMinus1000: one[0]!
  };
}

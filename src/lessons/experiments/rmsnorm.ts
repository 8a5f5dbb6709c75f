// Finding 5, RMSNorm without a float64 copy: the NumPy origin wrote x.astype(np.float64) to get a precise sum of
// squares, and that copy (8 bytes per value, allocated and written, then read again) cost more than the reduction.
// In JavaScript the running sum is a float64 number anyway, so the engine's rmsnorm gets the precision with no copy;
// the wasm kernel promotes four float32 lanes to float64 in registers. The copy variant below is what astype does.
// A float32 running sum (Math.fround after every add) shows why the precision matters at all.
import {rmsnorm, RMSNORM_EPS} from "../../engine/ops/index.ts";
import {maxAbsError} from "../../quant/index.ts";
import {cosineData, timeVariants, type ExperimentOptions, type VariantTiming} from "./measure.ts";
import {kernelBench} from "./wasm.ts";

export interface RmsnormSize {
  n: number;
  variants: VariantTiming[];
  /** bytes the float64 copy allocates */
  copyBytes: number;
  /** copy time / engine time */
  copyOverEngine: number;
  /** |scale with a float32 running sum − float64 scale| / float64 scale */
  float32SumRelError: number;
  /** largest |engine − copy| and |engine − wasm| over the output */
  maxDiff: {copy: number; wasm: number};
}

/** The astype(float64) form: copy x to float64, reduce the copy, normalize. Returns the scale. */
export function rmsnormFloat64Copy(out: Float32Array, x: Float32Array, w: Float32Array, n: number): number {
  const x64 = Float64Array.from(x.subarray(0, n));
  let ss = 0;
  for (let j = 0; j < n; j++) ss += x64[j]! * x64[j]!;
  const scale = Math.fround(Math.sqrt(ss / n + RMSNORM_EPS));
  for (let j = 0; j < n; j++) out[j] = w[j]! * (x64[j]! / scale);
  return scale;
}

/** sqrt(mean(x²) + eps) with the running sum rounded to float32 after every add (a float32 accumulator). */
export function rmsScaleFloat32Sum(x: Float32Array, n: number): number {
  let ss = 0;
  for (let j = 0; j < n; j++) ss = Math.fround(ss + Math.fround(x[j]! * x[j]!));
  return Math.sqrt(ss / n + RMSNORM_EPS);
}

export async function rmsnormExperiment({
  sizes = [128, 8192, 262144],
  ...options
}: ExperimentOptions & {sizes?: readonly number[]} = {}): Promise<RmsnormSize[]> {
  const max = Math.max(...sizes);
  const {fast, buffers} = await kernelBench([max, max, max], 1);
  try {
    const [x, w, outWasm] = buffers as [Float32Array, Float32Array, Float32Array];
    cosineData(x, 3);
    w.fill(1);
    const outEngine = new Float32Array(max);
    const outCopy = new Float32Array(max);
    const result: RmsnormSize[] = [];
    for (const n of sizes) {
      const variants = await timeVariants(
        [
          {
            name: "float64 running sum, no copy (engine)",
            note: "JS numbers are float64: precision for free",
            run: () => void rmsnorm(outEngine, x, w, n)
          },
          {
            name: "float64 copy first (astype)",
            note: `allocates and fills ${8 * n} bytes, then reduces`,
            run: () => void rmsnormFloat64Copy(outCopy, x, w, n)
          },
          {
            name: "wasm kernel, f64 lanes in registers",
            note: "promotes 4 floats at a time, no memory",
            run: () => void fast.kernels.rmsnorm(outWasm, x, w, n)
          }
        ],
        options
      );
      const exact = rmsnorm(outEngine, x, w, n);
      rmsnormFloat64Copy(outCopy, x, w, n);
      fast.kernels.rmsnorm(outWasm, x, w, n);
      result.push({
        n,
        variants,
        copyBytes: 8 * n,
        copyOverEngine: variants[1]!.ms / variants[0]!.ms,
        float32SumRelError: Math.abs(rmsScaleFloat32Sum(x, n) - exact) / exact,
        maxDiff: {
          copy: maxAbsError(outEngine.subarray(0, n), outCopy.subarray(0, n)),
          wasm: maxAbsError(outEngine.subarray(0, n), outWasm.subarray(0, n))
        }
      });
    }
    return result;
  } finally {
    fast.close();
  }
}

// Finding 1, "the einsum trap": the same contraction W (d,n) @ x (n,) written three ways. NumPy's einsum without
// optimize=True walks every index tuple with a generic strided iterator instead of dispatching to BLAS; here the
// generic form is a strided loop over (i, j) that looks strides up for each term and accumulates in the float32 output
// (as einsum accumulates in the output's dtype). The engine's reference matvec is a plain row loop with a float64 sum;
// the tuned kernel is the WebAssembly SIMD128 matvec.
import {matvec} from "../../engine/ops/index.ts";
import {maxAbsError} from "../../quant/index.ts";
import {cosineData, timeVariants, type ExperimentOptions, type VariantTiming} from "./measure.ts";
import {kernelBench} from "./wasm.ts";

export interface KernelChoiceResult {
  d: number;
  n: number;
  variants: VariantTiming[];
  /** generic loop time / wasm kernel time */
  genericOverWasm: number;
  /** plain loop time / wasm kernel time */
  plainOverWasm: number;
  /** largest |generic − plain| and |wasm − plain| over the output: the three agree up to rounding */
  maxDiff: {generic: number; wasm: number};
}

/** out (d,) = Σ_j w[i·ws0 + j·ws1] · x[j·xs]: every index through strides, the sum kept in the float32 output. */
export function stridedContraction(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  shape: readonly [number, number],
  wStrides: readonly [number, number],
  xStride: number
): void {
  const [d, n] = shape;
  out.fill(0, 0, d);
  const index = [0, 0];
  for (let k = 0; k < d * n; k++) {
    const [i, j] = index as [number, number];
    out[i] = out[i]! + w[i * wStrides[0] + j * wStrides[1]]! * x[j * xStride]!;
    // advance the multi-index, last axis fastest
    if (++index[1]! === n) {
      index[1] = 0;
      index[0]!++;
    }
  }
}

export async function kernelChoiceExperiment({
  d = 768,
  n = 768,
  ...options
}: ExperimentOptions & {d?: number; n?: number} = {}): Promise<KernelChoiceResult> {
  const {fast, buffers} = await kernelBench([d * n, n, d, d, d], n);
  try {
    const [w, x, outWasm, outPlain, outGeneric] = buffers as [Float32Array, ...Float32Array[]];
    cosineData(w, 0.05);
    cosineData(x!, 1, 1.3);
    const variants = await timeVariants(
      [
        {
          name: "generic strided loop (einsum without optimize)",
          note: "every term looks up its strides; accumulates in float32",
          run: () => stridedContraction(outGeneric!, x!, w, [d, n], [n, 1], 1)
        },
        {
          name: "plain TypeScript loop (engine reference)",
          note: "row by row, float64 running sum",
          run: () => matvec(outPlain!, x!, w, n, d)
        },
        {
          name: "WebAssembly SIMD128 kernel",
          note: "4 lanes, 4 rows at a time",
          run: () => fast.kernels.matvec(outWasm!, x!, w, n, d)
        }
      ],
      options
    );
    const [generic, plain, wasm] = variants.map((v) => v.ms) as [number, number, number];
    return {
      d,
      n,
      variants,
      genericOverWasm: generic / wasm,
      plainOverWasm: plain / wasm,
      maxDiff: {generic: maxAbsError(outPlain!, outGeneric!), wasm: maxAbsError(outPlain!, outWasm!)}
    };
  } finally {
    fast.close();
  }
}

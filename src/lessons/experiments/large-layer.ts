// One large weight matrix W (rows, cols) under each get_w mode, per token (one matvec): where the effect of
// dequantizing on every step is plain. dequant = get_w (unpack every block into a fresh float32 matrix) + the float32
// matvec; cached = the float32 matvec on floats unpacked once; fused = the dot products read the packed blocks. Timed
// on the plain TypeScript kernels and on the WebAssembly ones (fused in wasm exists for q8_0, q4_0 and q4_1; other
// formats fall back to TypeScript there, and the result says so).
import {matvec} from "../../engine/ops/index.ts";
import {dequantizeMatrix, matvecQuant, quantizeMatrix, quantizedBytes, toFormat} from "../../quant/index.ts";
import {cosineData, measure, type ExperimentOptions} from "./measure.ts";
import {kernelBench} from "./wasm.ts";
import {yieldToEventLoop} from "../../engine/index.ts";

export interface LayerModeCost {
  /** "dequant" | "cached" | "fused" */
  mode: string;
  kernels: "TypeScript" | "wasm";
  /** ms per token spent unpacking weights */
  getWMs: number;
  /** ms per token in the product itself */
  matmulMs: number;
  /** weight bytes the product reads per token */
  bytesRead: number;
  /** bytes held for this matrix beyond the float32 original: packed, packed + cache */
  bytesHeld: number;
  /** the wasm fused kernel did not exist for this format and TypeScript ran instead */
  fallback: boolean;
}

export interface LargeLayerResult {
  rows: number;
  cols: number;
  format: string;
  fp32Bytes: number;
  packedBytes: number;
  costs: LayerModeCost[];
}

export async function largeLayerExperiment({
  rows = 2048,
  cols = 2048,
  format = "q4_0",
  ...options
}: ExperimentOptions & {rows?: number; cols?: number; format?: string} = {}): Promise<LargeLayerResult> {
  const codec = toFormat(format).codec(rows, cols);
  const host = quantizeMatrix(codec, cosineData(new Float32Array(rows * cols), 0.05) as Float32Array, rows, cols);
  const {fast, buffers} = await kernelBench([rows * cols, cols, rows, Math.ceil(host.data.length / 4)], cols);
  try {
    const [floats, x, out, packedSpace] = buffers as [Float32Array, Float32Array, Float32Array, Float32Array];
    cosineData(x, 1, 0.7);
    // the same packed bytes inside the arena, so the wasm kernels can read them
    const data = new Uint8Array(packedSpace.buffer, packedSpace.byteOffset, host.data.length);
    data.set(host.data);
    const q = {...host, data};
    const fp32Bytes = 4 * rows * cols;
    const packedBytes = quantizedBytes(q);
    dequantizeMatrix(floats, q);
    const budget = options.budgetMs;
    const step = async () => {
      options.signal?.throwIfAborted();
      await yieldToEventLoop();
    };
    await step();
    const getW = measure(() => dequantizeMatrix(floats, q), budget).ms;
    const costs: LayerModeCost[] = [];
    for (const kernels of ["TypeScript", "wasm"] as const) {
      await step();
      const product = measure(
        () =>
          kernels === "wasm" ? fast.kernels.matvec(out, x, floats, cols, rows) : matvec(out, x, floats, cols, rows),
        budget
      ).ms;
      await step();
      const fallbacks = fast.calls.fallback;
      const fused = measure(
        () => (kernels === "wasm" ? fast.quant.matvecQuant(out, x, q) : matvecQuant(out, x, q)),
        budget
      ).ms;
      const fallback = kernels === "wasm" && fast.calls.fallback > fallbacks;
      costs.push(
        {
          mode: "dequant",
          kernels,
          getWMs: getW,
          matmulMs: product,
          bytesRead: packedBytes + 2 * fp32Bytes,
          bytesHeld: packedBytes,
          fallback: false
        },
        {
          mode: "cached",
          kernels,
          getWMs: 0,
          matmulMs: product,
          bytesRead: fp32Bytes,
          bytesHeld: packedBytes + fp32Bytes,
          fallback: false
        },
        {mode: "fused", kernels, getWMs: 0, matmulMs: fused, bytesRead: packedBytes, bytesHeld: packedBytes, fallback}
      );
    }
    return {rows, cols, format: codec.name, fp32Bytes, packedBytes, costs};
  } finally {
    fast.close();
  }
}

// Finding 8, the denormal trap: a micro-benchmark that applies SwiGLU in place to the same buffer over and over
// shrinks the values every pass until they are subnormal (below 2^−126 in float32), and arithmetic on subnormals takes
// a slow path on most x86 cores, so the "optimized" in-place code looked 100× slower. What is true here depends on
// where the arithmetic happens: the wasm kernel computes in float32 lanes and hits the slow path; the JS kernel loads
// each float32 into a float64 number, where 1e−39 is an ordinary normal value, so it does not; JS on float64 data
// that is itself subnormal (below 2^−1022) does. The trace below is the trap as it happens: per-pass time and the
// share of subnormal values while an in-place loop decays.
import {swiglu} from "../../engine/ops/index.ts";
import {cosineData, timeVariants, type ExperimentOptions, type VariantTiming} from "./measure.ts";
import {kernelBench} from "./wasm.ts";
import {yieldToEventLoop} from "../../engine/index.ts";

/** Smallest normal float32 and float64. */
export const MIN_NORMAL_F32 = 2 ** -126;
export const MIN_NORMAL_F64 = 2 ** -1022;

export interface DecayPass {
  pass: number;
  /** ms of this pass */
  ms: number;
  /** share of values that are subnormal after it */
  subnormal: number;
  /** share that reached exactly 0 */
  zero: number;
}

export interface DenormalResult {
  n: number;
  /** same kernel, normal data vs subnormal data, for each place the arithmetic can happen */
  pairs: {kernel: string; normal: VariantTiming; subnormal: VariantTiming; slowdown: number}[];
  /** the in-place wasm loop, pass by pass */
  decay: DecayPass[];
  /** slowest pass / first pass of the decay trace */
  decaySlowdown: number;
}

/** Share of x that is subnormal (0 < |v| < minNormal) and share that is exactly 0. */
export function subnormalShare(x: ArrayLike<number>, minNormal: number): {subnormal: number; zero: number} {
  let sub = 0;
  let zero = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a === 0) zero++;
    else if (a < minNormal) sub++;
  }
  return {subnormal: sub / x.length, zero: zero / x.length};
}

export async function denormalExperiment({
  n = 16384,
  passes = 200,
  ...options
}: ExperimentOptions & {n?: number; passes?: number} = {}): Promise<DenormalResult> {
  const {fast, buffers} = await kernelBench([n, n, n], n);
  try {
    const [gate, up, out] = buffers as [Float32Array, Float32Array, Float32Array];
    const fill = (scale32: number) => {
      cosineData(gate, scale32);
      for (let i = 0; i < n; i++) up[i] = 0.5 + 0.5 * Math.abs(Math.sin(i));
    };
    const plain = {gate: new Float32Array(n), up: new Float32Array(n), out: new Float32Array(n)};
    const wide = {gate: new Float64Array(n), up: new Float64Array(n), out: new Float64Array(n)};
    const run = {
      wasm: () => fast.kernels.swiglu(out, gate, up, n),
      js32: () => swiglu(plain.out, plain.gate, plain.up, n),
      // the engine's swiglu reads and writes any indexable array; here float64 storage
      js64: () => swiglu(wide.out as never, wide.gate as never, wide.up as never, n)
    };
    const timeBoth = async (kernel: string, note: string, set: (normal: boolean) => void, fn: () => void) => {
      set(true);
      const [normal] = await timeVariants([{name: `${kernel}, normal data`, note, run: fn}], options);
      set(false);
      const [subnormal] = await timeVariants([{name: `${kernel}, subnormal data`, note, run: fn}], options);
      return {kernel, normal: normal!, subnormal: subnormal!, slowdown: subnormal!.ms / normal!.ms};
    };
    const pairs = [
      await timeBoth(
        "wasm SIMD kernel (float32 lanes)",
        "values ~1e−39 are float32 subnormals",
        (ok) => fill(ok ? 1 : 1e-39),
        run.wasm
      ),
      await timeBoth(
        "JS kernel on Float32Array",
        "loaded into float64 numbers, where 1e−39 is normal",
        (ok) => {
          fill(ok ? 1 : 1e-39);
          plain.gate.set(gate);
          plain.up.set(up);
        },
        run.js32
      ),
      await timeBoth(
        "JS kernel on Float64Array",
        "values ~1e−310 are float64 subnormals",
        (ok) => {
          fill(1);
          for (let i = 0; i < n; i++) wide.gate[i] = gate[i]! * (ok ? 1 : 1e-310);
          wide.up.set(up);
        },
        run.js64
      )
    ];

    // the trap itself: the same buffer, in place, pass after pass
    fill(1);
    const decay: DecayPass[] = [];
    for (let pass = 0; pass < passes; pass++) {
      if (pass % 16 === 0) {
        options.signal?.throwIfAborted();
        await yieldToEventLoop();
      }
      const t0 = performance.now();
      fast.kernels.swiglu(gate, gate, up, n);
      const ms = performance.now() - t0;
      decay.push({pass, ms, ...subnormalShare(gate, MIN_NORMAL_F32)});
    }
    const first = measureFloor(decay.slice(0, 8));
    return {n, pairs, decay, decaySlowdown: Math.max(...decay.map((d) => d.ms)) / first};
  } finally {
    fast.close();
  }
}

/** The median time of a few passes (one pass can be hit by a timer tick). */
function measureFloor(passes: DecayPass[]): number {
  const ms = passes.map((p) => p.ms).sort((a, b) => a - b);
  return Math.max(ms[ms.length >> 1]!, 1e-4);
}

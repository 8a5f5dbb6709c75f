// Timing for the live experiments of the performance notebook: every variant gets the same small time budget, so a
// whole experiment stays under about two seconds and the page stays responsive. A call shorter than a millisecond is
// repeated inside each sample (browser timers are coarse), and the median sample is reported: the machines are shared
// and noisy, so a single run means little.
import {yieldToEventLoop} from "../../engine/index.ts";

export interface Timing {
  /** median milliseconds per call */
  ms: number;
  /** samples taken */
  samples: number;
  /** calls per sample */
  reps: number;
}

/** A timed variant of an experiment: what ran, how long one call took. */
export interface VariantTiming extends Timing {
  name: string;
  /** one line on what this variant does differently */
  note: string;
}

/** Default budget per variant, in ms. */
export const VARIANT_BUDGET_MS = 120;
/** A sample lasts at least this long, so the timer's resolution is small against it. */
const MIN_SAMPLE_MS = 1;

/**
 * Times fn: warm-up calls for a fifth of the budget (the JIT compiles hot code only after a while), then samples of
 * `reps` calls until the rest of `budgetMs` is spent (at least 3 samples).
 */
export function measure(fn: () => void, budgetMs = VARIANT_BUDGET_MS): Timing {
  const t0 = performance.now();
  let calls = 0;
  do {
    fn();
    calls++;
  } while (performance.now() - t0 < budgetMs / 5);
  const once = Math.max((performance.now() - t0) / calls, 1e-4);
  const reps = Math.max(1, Math.ceil(MIN_SAMPLE_MS / once));
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start < budgetMs && samples.length < 1000)) {
    const s = performance.now();
    for (let r = 0; r < reps; r++) fn();
    samples.push((performance.now() - s) / reps);
  }
  samples.sort((a, b) => a - b);
  return {ms: samples[samples.length >> 1]!, samples: samples.length, reps};
}

/** Runs and times each variant in turn, giving the page a turn between them and stopping when `signal` aborts. */
export async function timeVariants(
  variants: readonly {name: string; note: string; run: () => void}[],
  {budgetMs = VARIANT_BUDGET_MS, signal}: {budgetMs?: number; signal?: AbortSignal} = {}
): Promise<VariantTiming[]> {
  const out: VariantTiming[] = [];
  for (const {name, note, run} of variants) {
    signal?.throwIfAborted();
    await yieldToEventLoop();
    out.push({name, note, ...measure(run, budgetMs)});
  }
  return out;
}

const SINK = new Float64Array(1);
/** Keeps a value alive so the optimizer cannot drop the work that made it. */
export function keep(value: number): void {
  SINK[0] = SINK[0]! + value;
}

/** Options every experiment takes. */
export interface ExperimentOptions {
  /** ms per timed variant (default VARIANT_BUDGET_MS) */
  budgetMs?: number;
  signal?: AbortSignal;
}

/** Deterministic test data: cosine values (as ggml's quantization tests use), scaled. */
export function cosineData(out: Float32Array | Float64Array, scale = 1, phase = 0): typeof out {
  for (let i = 0; i < out.length; i++) out[i] = scale * Math.cos(i * 0.37 + phase) * Math.cos(i * 0.011);
  return out;
}

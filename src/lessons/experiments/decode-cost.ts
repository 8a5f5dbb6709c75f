// What get_w costs in a running model (finding 2, and the cost-of-get_w notebook): decode steps under one weight
// mode with the profiler on, step by step, with the quant provider's counters (bytes dequantized, bytes read) and
// residency (bytes held); and the cost per token against sequence length, prefill against decode, per mode.
// The prompt goes through prefill first and is not counted: in cached mode that fills the cache, so the steps shown
// are the steady state a user meets after the first token.
import {argmax, forward, prefill, setProfiler, yieldToEventLoop, type Transformer} from "../../engine/index.ts";
import type {ProfileCategory} from "../../engine/index.ts";
import {setQuant, type QuantResidency, type QuantSettingsSpec} from "../../quant/index.ts";

export interface StepProfile {
  /** the step's position */
  label: string;
  /** ms per profiler category */
  times: Record<ProfileCategory, number>;
}

export interface DecodeCost {
  /** canonical weight mode and spec the run used */
  weights: string;
  quant: string;
  steps: StepProfile[];
  msPerToken: number;
  getWMsPerToken: number;
  /** packed bytes turned into floats per decode step (0 once cached) */
  bytesDequantizedPerStep: number;
  /** bytes of weight storage the kernels read per token */
  bytesReadPerToken: number;
  residency: QuantResidency;
}

export interface DecodeCostOptions extends QuantSettingsSpec {
  /** prompt token ids (at least one) */
  tokens: ArrayLike<number>;
  /** decode steps to profile after the prompt (default 12) */
  steps?: number;
  signal?: AbortSignal;
}

/** Profiles `steps` greedy decode steps of `model` under the given quantization settings (installed on the model). */
export async function decodeCost(model: Transformer, options: DecodeCostOptions): Promise<DecodeCost> {
  const {tokens, steps = 12, signal} = options;
  if (tokens.length + steps > model.config.seqLen)
    throw new Error(`invalid steps: ${steps} (prompt and steps must fit seq_len ${model.config.seqLen})`);
  const provider = setQuant(model, options);
  const rows = prefill(model, tokens, 0);
  const V = model.config.vocabSize;
  let next = argmax(rows.subarray((tokens.length - 1) * V, tokens.length * V));
  provider.resetCounters();
  const profiler = setProfiler(model, true)!;
  const profiles: StepProfile[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      signal?.throwIfAborted();
      profiler.reset();
      const pos = tokens.length + s;
      next = argmax(forward(model, next, pos));
      profiles.push({label: String(pos), times: profiler.report().byCategory});
      await yieldToEventLoop();
    }
  } finally {
    setProfiler(model, null);
  }
  const c = provider.counters();
  const total = (p: StepProfile) => Object.values(p.times).reduce((a, b) => a + b, 0);
  return {
    weights: provider.settings.weights,
    quant: provider.kind,
    steps: profiles,
    msPerToken: profiles.reduce((a, p) => a + total(p), 0) / steps,
    getWMsPerToken: profiles.reduce((a, p) => a + p.times.get_w, 0) / steps,
    bytesDequantizedPerStep: c.bytesDequantized / steps,
    bytesReadPerToken: c.bytesRead / steps,
    residency: provider.residency()
  };
}

/** ms per token of the fastest of a few runs (one run for long ones): other tabs and jobs only ever add time. */
function fastest(T: number, run: () => void): number {
  let best = Infinity;
  for (let r = 0; r < (T <= 16 ? 3 : 1); r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best / T;
}

export interface LengthCost {
  /** series name, e.g. "dequant, decode" */
  name: string;
  seqLen: number[];
  /** ms per token */
  ms: number[];
}

/**
 * ms per token for each weight mode, feeding T tokens as one prefill call and as T decode steps, T in `lengths`.
 * A prefill dequantizes each matrix once for all T tokens; decode dequantizes it again for every token.
 */
export async function costByLength(
  model: Transformer,
  {
    quant,
    modes = ["dequant", "cached", "fused"],
    lengths = [1, 2, 4, 8, 16, 32, 64],
    signal
  }: {quant: string; modes?: readonly string[]; lengths?: readonly number[]; signal?: AbortSignal}
): Promise<LengthCost[]> {
  const tokens = Array.from({length: Math.max(...lengths)}, (_, i) => 3 + ((i * 37) % 256));
  const series: LengthCost[] = [];
  for (const weights of modes) {
    setQuant(model, {quant, weights});
    forward(model, tokens[0]!, 0); // fills the cache in cached mode: every T below sees the steady state
    const prefillRow: LengthCost = {name: `${weights}, prefill`, seqLen: [], ms: []};
    const decodeRow: LengthCost = {name: `${weights}, decode`, seqLen: [], ms: []};
    for (const T of lengths) {
      signal?.throwIfAborted();
      await yieldToEventLoop();
      const chunk = tokens.slice(0, T);
      prefillRow.seqLen.push(T);
      prefillRow.ms.push(fastest(T, () => prefill(model, chunk, 0)));
      decodeRow.seqLen.push(T);
      decodeRow.ms.push(fastest(T, () => chunk.forEach((token, t) => forward(model, token, t))));
    }
    series.push(prefillRow, decodeRow);
  }
  return series;
}

// Choosing the next token from logits, as run.c does: greedy argmax at temperature 0; otherwise softmax(logits / T)
// and a draw from the whole distribution, or from the smallest top set whose mass exceeds top-p (nucleus sampling).
import {softmax} from "./ops/softmax.ts";
import {Rng} from "./rng.ts";

export interface SamplerSpec {
  /** 0 = greedy (default 1) */
  temperature?: number;
  /** nucleus mass in (0, 1]; 1 = sample from the whole distribution (default 0.9, like run.c) */
  topP?: number;
  /** PRNG seed, a positive integer (default 42) */
  seed?: number;
}

export interface Sampler {
  readonly temperature: number;
  readonly topP: number;
  readonly seed: number;
  readonly rng: Rng;
  /** scratch (V,) probabilities, so sampling never writes into the model's logits */
  probs: Float32Array;
}

export function toSampler(spec: SamplerSpec = {}): Sampler {
  const {temperature = 1, topP = 0.9, seed = 42} = spec;
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    throw new Error(`invalid temperature: ${temperature} (must be a number >= 0)`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`invalid top-p: ${topP} (must be in (0, 1])`);
  return {temperature, topP, seed, rng: new Rng(seed), probs: new Float32Array(0)};
}

/** index of the largest value (the first on ties) */
export function argmax(x: ArrayLike<number>, n = x.length): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

/** The next token for logits (V,). */
export function sample(sampler: Sampler, logits: Float32Array): number {
  const n = logits.length;
  if (sampler.temperature === 0) return argmax(logits, n);
  if (sampler.probs.length !== n) sampler.probs = new Float32Array(n);
  const probs = sampler.probs;
  for (let i = 0; i < n; i++) probs[i] = logits[i]! / sampler.temperature;
  softmax(probs, probs, n);
  const coin = sampler.rng.nextF32();
  return sampler.topP >= 1 ? sampleMultinomial(probs, coin) : sampleTopP(probs, sampler.topP, coin);
}

/** The first index where the cumulative probability exceeds coin ∈ [0, 1). */
export function sampleMultinomial(probs: Float32Array, coin: number): number {
  let cdf = 0;
  for (let i = 0; i < probs.length; i++) {
    cdf += probs[i]!;
    if (coin < cdf) return i;
  }
  return probs.length - 1; // rounding
}

/** A draw from the most probable tokens whose mass first exceeds topP, renormalized. */
export function sampleTopP(probs: Float32Array, topP: number, coin: number): number {
  const n = probs.length;
  // tokens below this cannot be in the nucleus, so they are not sorted (run.c's shortcut)
  const cutoff = (1 - topP) / (n - 1);
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (probs[i]! >= cutoff) candidates.push(i);
  candidates.sort((a, b) => probs[b]! - probs[a]! || a - b);
  let cumulative = 0;
  let last = candidates.length - 1;
  for (let i = 0; i < candidates.length; i++) {
    cumulative += probs[candidates[i]!]!;
    if (cumulative > topP) {
      last = i;
      break;
    }
  }
  const r = coin * cumulative;
  let cdf = 0;
  for (let i = 0; i <= last; i++) {
    cdf += probs[candidates[i]!]!;
    if (r < cdf) return candidates[i]!;
  }
  return candidates[last]!;
}

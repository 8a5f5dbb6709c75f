// Choosing the next token from logits with the samplers llama.cpp users know, in llama.cpp's chain order
// (common_params_sampling at c392e5094): repeat penalty -> top-k -> top-p -> min-p -> temperature -> draw.
// Temperature 0 is greedy (argmax after the penalty). With the defaults (temperature 1, top-p 0.9, the rest off)
// this is llama2.c's run.c sampler.
//
// Stable for any finite positive temperature: probabilities are exp((logit - max) / T), so the exponent is never
// positive and the best token always weighs exactly 1; a tiny T can only make the others 0 (greedy in the limit),
// never Infinity / Infinity = NaN. (Dividing first, logit / T, overflows float32 below T ~ 1e-38.)
import {Rng} from "./rng.ts";

export interface SamplerSpec {
  /** 0 = greedy (default 1) */
  temperature?: number;
  /** nucleus mass in (0, 1]; 1 = off (default 0.9, like run.c) */
  topP?: number;
  /** keep only the k most likely tokens; 0 = off (default 0) */
  topK?: number;
  /** drop tokens less likely than min-p times the most likely one, in [0, 1]; 0 = off (default 0) */
  minP?: number;
  /** divide positive (multiply negative) logits of recently seen tokens by this, > 0; 1 = off (default 1) */
  repeatPenalty?: number;
  /** how many recent tokens the repeat penalty looks at (default 64, as llama.cpp) */
  repeatLastN?: number;
  /** PRNG seed, a positive integer (default 42) */
  seed?: number;
}

export interface Sampler {
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
  readonly minP: number;
  readonly repeatPenalty: number;
  readonly repeatLastN: number;
  readonly seed: number;
  readonly rng: Rng;
  /** the last repeatLastN tokens accepted, oldest first */
  readonly recent: number[];
  /** scratch (V,) logits, so sampling never writes into the model's logits */
  work: Float64Array;
}

export function toSampler(spec: SamplerSpec = {}): Sampler {
  const {temperature = 1, topP = 0.9, topK = 0, minP = 0, repeatPenalty = 1, repeatLastN = 64, seed = 42} = spec;
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    throw new Error(`invalid temperature: ${temperature} (must be a finite number >= 0)`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`invalid top-p: ${topP} (must be in (0, 1])`);
  if (!(Number.isInteger(topK) && topK >= 0)) throw new Error(`invalid top-k: ${topK} (must be an integer >= 0)`);
  if (!(minP >= 0 && minP <= 1)) throw new Error(`invalid min-p: ${minP} (must be in [0, 1])`);
  if (!(repeatPenalty > 0) || !Number.isFinite(repeatPenalty))
    throw new Error(`invalid repeat penalty: ${repeatPenalty} (must be a finite number > 0)`);
  if (!(Number.isInteger(repeatLastN) && repeatLastN >= 0))
    throw new Error(`invalid repeat-last-n: ${repeatLastN} (must be an integer >= 0)`);
  const rng = new Rng(seed);
  return {temperature, topP, topK, minP, repeatPenalty, repeatLastN, seed, rng, recent: [], work: new Float64Array(0)};
}

/** Records a token that entered the context (prompt or generated), for the repeat penalty. */
export function accept(sampler: Sampler, token: number): void {
  if (sampler.repeatLastN === 0) return;
  sampler.recent.push(token);
  if (sampler.recent.length > sampler.repeatLastN) sampler.recent.shift();
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
  for (let i = 0; i < n; i++)
    if (Number.isNaN(logits[i]!)) throw new Error(`cannot sample: logit ${i} is NaN (the model's output is broken)`);
  if (sampler.work.length !== n) sampler.work = new Float64Array(n);
  const work = sampler.work; // (V,) logits after the repeat penalty
  work.set(logits);
  repeatPenalty(work, sampler);
  if (sampler.temperature === 0) return argmax(work, n);
  // once a truncation runs, the candidates are a list, most likely first (ties by id)
  let kept: number[] | undefined;
  if (sampler.topK > 0 && sampler.topK < n) kept = topK(work, sampler.topK);
  if (sampler.topP < 1) kept = topP(work, sampler.topP, kept);
  if (sampler.minP > 0) kept = minP(work, sampler.minP, kept);
  return draw(work, sampler.temperature, sampler.rng.nextF32(), kept);
}

// llama.cpp's penalties sampler: each recent token once, however often it was seen
function repeatPenalty(work: Float64Array, sampler: Sampler): void {
  if (sampler.repeatPenalty === 1) return;
  for (const t of new Set(sampler.recent)) {
    if (!(t >= 0 && t < work.length)) continue;
    work[t] = work[t]! <= 0 ? work[t]! * sampler.repeatPenalty : work[t]! / sampler.repeatPenalty;
  }
}

const byLikelihood = (work: Float64Array) => (a: number, b: number) => work[b]! - work[a]! || a - b;

/** the largest logit among the candidates (all tokens when kept is undefined) */
function maxOf(work: Float64Array, kept: readonly number[] | undefined): number {
  let max = -Infinity;
  if (kept) for (const i of kept) max = Math.max(max, work[i]!);
  else for (let i = 0; i < work.length; i++) if (work[i]! > max) max = work[i]!;
  return max;
}

/** exp((logit - max) / T): never above 1 and exactly 1 for the best token, so no overflow at any T > 0 */
const weight = (logit: number, max: number, temperature: number) =>
  logit === max ? 1 : Math.exp((logit - max) / temperature);

function topK(work: Float64Array, k: number): number[] {
  const sorted = Float64Array.from(work).sort(); // ascending, native: the k-th largest without a comparator sort
  const threshold = sorted[work.length - k]!;
  const ids: number[] = [];
  for (let i = 0; i < work.length; i++) if (work[i]! > threshold) ids.push(i);
  for (let i = 0; i < work.length && ids.length < k; i++) if (work[i] === threshold) ids.push(i);
  return ids.filter((i) => work[i]! > -Infinity).sort(byLikelihood(work));
}

// the smallest most-likely set whose probability reaches p, at temperature 1 (llama.cpp's chain applies the
// temperature later)
function topP(work: Float64Array, p: number, kept: number[] | undefined): number[] {
  const n = kept ? kept.length : work.length;
  const id = (k: number) => (kept ? kept[k]! : k);
  const max = maxOf(work, kept);
  let total = 0;
  for (let k = 0; k < n; k++) total += weight(work[id(k)]!, max, 1);
  // run.c's shortcut: below this a token cannot be in the nucleus, so it is not sorted
  const cutoff = n > 1 ? ((1 - p) / (n - 1)) * total : 0;
  const candidates: number[] = [];
  for (let k = 0; k < n; k++)
    if (work[id(k)]! > -Infinity && weight(work[id(k)]!, max, 1) >= cutoff) candidates.push(id(k));
  candidates.sort(byLikelihood(work));
  let cumulative = 0;
  for (let i = 0; i < candidates.length; i++) {
    cumulative += weight(work[candidates[i]!]!, max, 1);
    if (cumulative >= p * total) return candidates.slice(0, i + 1);
  }
  return candidates;
}

// tokens at least p times as likely as the best: logit >= max + ln p
function minP(work: Float64Array, p: number, kept: number[] | undefined): number[] {
  const floor = maxOf(work, kept) + Math.log(p);
  if (kept) return kept.filter((i) => work[i]! >= floor);
  const survivors: number[] = [];
  for (let i = 0; i < work.length; i++) if (work[i]! >= floor) survivors.push(i);
  return survivors.sort(byLikelihood(work));
}

/** A draw from softmax(logit / T) over the candidates (kept, in its order; else every token in id order) with
 * coin in [0, 1). */
function draw(work: Float64Array, temperature: number, coin: number, kept: number[] | undefined): number {
  const n = kept ? kept.length : work.length;
  const id = (k: number) => (kept ? kept[k]! : k);
  const max = maxOf(work, kept);
  if (max === -Infinity) throw new Error("cannot sample: every token was ruled out (all logits are -Infinity)");
  let total = 0;
  for (let k = 0; k < n; k++) total += weight(work[id(k)]!, max, temperature);
  const r = coin * total;
  let cdf = 0;
  let last = 0;
  for (let k = 0; k < n; k++) {
    const logit = work[id(k)]!;
    if (logit === -Infinity) continue;
    last = id(k);
    cdf += weight(logit, max, temperature);
    if (r < cdf) return last;
  }
  return last; // rounding
}

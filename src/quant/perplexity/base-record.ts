// The base model's log-probabilities as llama-perplexity --kl-divergence-base stores them: per scored position a
// float scale, a float min_log_prob and one uint16 per vocabulary entry. The KL divergence is computed against these
// 16-bit values, not the exact ones, so Glassbox stores them the same way. Float32 steps are rounded with
// Math.fround where the C code computes in float.

export interface BaseRecord {
  scale: number;
  minLogProb: number;
  /** (V,) q_i: log p_i = scale·q_i + min_log_prob */
  q: Uint16Array;
}

const f = Math.fround;

/** ggml's nearest_int: float round to nearest, ties to even (the 1.5·2^23 trick) */
const nearestInt = (x: number) => f(x + 12582912) - 12582912;

/** One logits row (V values from o) -> its 16-bit record. */
export function baseRecord(logits: ArrayLike<number>, o: number, V: number): BaseRecord {
  let max = logits[o]!;
  let min = logits[o]!;
  for (let i = 1; i < V; i++) {
    max = Math.max(max, logits[o + i]!);
    min = Math.min(min, logits[o + i]!);
  }
  // log-probs below max − 16 all share the record's floor
  min = Math.max(min, f(max - 16));
  let sumExp = 0; // double, as in the C code
  for (let i = 0; i < V; i++) sumExp += f(Math.exp(f(logits[o + i]! - max)));
  const lse = f(Math.log(sumExp));
  const minLogProb = f(f(min - max) - lse);
  const scale = f(f(max - min) / 65535);
  const q = new Uint16Array(V);
  if (scale !== 0) {
    const inv = f(1 / scale);
    for (let i = 0; i < V; i++) {
      const l = logits[o + i]!;
      q[i] = l > min ? nearestInt(f(inv * f(l - min))) : 0;
    }
  }
  return {scale, minLogProb, q};
}

/** log p_i of a record, as llama-perplexity reads it back (float) */
export const recordLogProb = (r: BaseRecord, i: number) => f(f(r.scale * r.q[i]!) + r.minLogProb);

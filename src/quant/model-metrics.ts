// Model-level quantization metrics from two sets of logits over the same tokens, with llama-perplexity's definitions
// (tools/perplexity/perplexity.cpp): per scored token, with p = softmax(base logits), q = softmax(quantized logits),
//   KLD = Σ_i p_i (log p_i − log q_i)      same top = argmax q == argmax p      Δp = q(correct) − p(correct)
//   PPL = exp(mean −log p(correct)), the same for q; ratio PPL_q/PPL_base, ln ratio and ΔPPL = PPL_q − PPL_base.
// Sums in float64, softmax from the float32 logits. Percentiles: the sorted value at rank round(p·(n − 1)).

export interface ModelMetrics {
  /** tokens scored */
  tokens: number;
  kld: {mean: number; median: number; p99: number; p999: number; max: number};
  /** % of scored tokens where both models rank the same token first */
  sameTopPct: number;
  /** q(correct) − p(correct), as fractions (×100 for %) */
  deltaP: {mean: number; rms: number};
  ppl: {base: number; quant: number; ratio: number; lnRatio: number; delta: number};
}

/** log-softmax of logits[o..o+V) into out (V,) */
function logSoftmax(out: Float64Array, logits: ArrayLike<number>, o: number, V: number): void {
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[o + i]!);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += Math.exp(logits[o + i]! - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < V; i++) out[i] = logits[o + i]! - lse;
}

function argmaxOf(v: Float64Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

const rank = (sorted: Float64Array, p: number) => sorted[Math.round(p * (sorted.length - 1))]!;

/**
 * base, quant: (N, V) logits, row t after feeding token t; targets: (N,) the correct next token of each row, or -1 for
 * rows not scored.
 */
export function compareLogits(
  base: ArrayLike<number>,
  quant: ArrayLike<number>,
  V: number,
  targets: ArrayLike<number>
): ModelMetrics {
  const N = targets.length;
  if (base.length !== N * V || quant.length !== N * V)
    throw new Error(`invalid logits: ${base.length} and ${quant.length} values for ${N} rows of ${V}`);
  const lp = new Float64Array(V);
  const lq = new Float64Array(V);
  const klds: number[] = [];
  let same = 0;
  let dpSum = 0;
  let dpSq = 0;
  let nllBase = 0;
  let nllQuant = 0;
  for (let t = 0; t < N; t++) {
    const target = targets[t]!;
    if (target < 0) continue;
    logSoftmax(lp, base, t * V, V);
    logSoftmax(lq, quant, t * V, V);
    let kld = 0;
    for (let i = 0; i < V; i++) kld += Math.exp(lp[i]!) * (lp[i]! - lq[i]!);
    klds.push(kld);
    if (argmaxOf(lp) === argmaxOf(lq)) same++;
    const dp = Math.exp(lq[target]!) - Math.exp(lp[target]!);
    dpSum += dp;
    dpSq += dp * dp;
    nllBase -= lp[target]!;
    nllQuant -= lq[target]!;
  }
  const n = klds.length;
  if (n === 0) throw new Error("no tokens to score: pass a text of at least 2 tokens");
  const sorted = Float64Array.from(klds).sort();
  const pplBase = Math.exp(nllBase / n);
  const pplQuant = Math.exp(nllQuant / n);
  return {
    tokens: n,
    kld: {
      mean: sorted.reduce((a, b) => a + b, 0) / n,
      median: rank(sorted, 0.5),
      p99: rank(sorted, 0.99),
      p999: rank(sorted, 0.999),
      max: sorted[n - 1]!
    },
    sameTopPct: (100 * same) / n,
    deltaP: {mean: dpSum / n, rms: Math.sqrt(dpSq / n)},
    ppl: {
      base: pplBase,
      quant: pplQuant,
      ratio: pplQuant / pplBase,
      lnRatio: (nllQuant - nllBase) / n,
      delta: pplQuant - pplBase
    }
  };
}

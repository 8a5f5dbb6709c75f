// One scored token of llama-perplexity --kl-divergence: the quantized model's float32 logits against the base
// model's 16-bit record (base-record.ts), accumulated as perplexity.cpp's kl_divergence_result does (double sums
// of float terms; Math.fround where the C code computes in float).
import {recordLogProb, type BaseRecord} from "./base-record.ts";

/** kl_divergence_result: running sums over the scored tokens */
export interface KldSums {
  count: number;
  sumNll: number;
  sumNll2: number;
  sumNllBase: number;
  sumNllBase2: number;
  sumNllNllBase: number;
  sumKld: number;
  sumKld2: number;
  sumPDiff: number;
  sumPDiff2: number;
  sumPDiff4: number;
  sameTop: number;
}

export const emptyKldSums = (): KldSums => ({
  count: 0,
  sumNll: 0,
  sumNll2: 0,
  sumNllBase: 0,
  sumNllBase2: 0,
  sumNllNllBase: 0,
  sumKld: 0,
  sumKld2: 0,
  sumPDiff: 0,
  sumPDiff2: 0,
  sumPDiff4: 0,
  sameTop: 0
});

export interface TokenScore {
  /** KL(base ‖ Q) over the entries whose base log-prob is above −16 (float; may be slightly negative) */
  kld: number;
  /** p_Q(next) − p_base(next) (float) */
  dp: number;
  /** the two argmaxes agree (first maximum of each) */
  sameTop: boolean;
}

const f = Math.fround;

/** Scores one position: logits[o..o+V) of the quantized model predicting `next`, against the base record. */
export function scoreToken(
  sums: KldSums,
  logits: ArrayLike<number>,
  o: number,
  V: number,
  base: BaseRecord,
  next: number
): TokenScore {
  let max = logits[o]!;
  let imax = 0;
  for (let i = 1; i < V; i++)
    if (logits[o + i]! > max) {
      max = logits[o + i]!;
      imax = i;
    }
  let sumExp = 0;
  for (let i = 0; i < V; i++) sumExp += f(Math.exp(f(logits[o + i]! - max)));
  const lse = f(Math.log(sumExp));
  const nll = f(f(max + lse) - logits[o + next]!);
  const nllBase = -recordLogProb(base, next);
  sums.sumNll += nll;
  sums.sumNll2 += f(nll * nll);
  sums.sumNllBase += nllBase;
  sums.sumNllBase2 += f(nllBase * nllBase);
  sums.sumNllNllBase += f(nll * nllBase);

  const top = f(max + lse); // log Σ exp(l): log q_i = l_i − top
  let kld = 0;
  let imaxBase = 0;
  let baseMax = 0;
  for (let i = 0; i < V; i++) {
    const lp = recordLogProb(base, i);
    if (i === 0 || lp > baseMax) {
      baseMax = lp;
      imaxBase = i;
    }
    if (lp > -16) kld += f(f(Math.exp(lp)) * f(f(lp - logits[o + i]!) + top));
  }
  sums.sumKld += kld;
  sums.sumKld2 += kld * kld;
  sums.count++;
  const sameTop = imax === imaxBase;
  if (sameTop) sums.sameTop++;

  const dp = f(f(Math.exp(-nll)) - f(Math.exp(-nllBase)));
  const dp2 = f(dp * dp);
  sums.sumPDiff += dp;
  sums.sumPDiff2 += dp2;
  sums.sumPDiff4 += dp2 * dp2;
  return {kld: f(kld), dp, sameTop};
}

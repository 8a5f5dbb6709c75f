// llama-perplexity's statistics (kl_divergence() in perplexity.cpp at c392e5094), by its definitions:
//   mean ± √((⟨x²⟩ − ⟨x⟩²)/(n − 1))  (uncertainty 0 for n ≤ 10)      cov(a, b) = (⟨ab⟩ − ⟨a⟩⟨b⟩)/(n − 1)  (0 for n < 10)
//   PPL = exp(mean nll) ± PPL·u;  ln ratio ± √(u_q² + u_b² − 2 cov);  ratio = exp(ln ratio) ± ratio·u;
//   ΔPPL ± √(u_PPLq² + u_PPLb² − 2·PPL_q·PPL_b·cov);  Cor = cov/(u_q·u_b)
//   percentile(f): the sorted float values at f·(n − 1) (float), linearly interpolated; median: the mean of the two
//   middle values (n even); RMS Δp = √⟨Δp²⟩ ± 0.5/RMS · u(⟨Δp²⟩); same top p ± √(p(1 − p)/(n − 1)).
// Names are the .kld.json names of the fixtures (llama-perplexity's printed lines); Δp and same top p in %.
import type {KldSums} from "./score.ts";

export interface Uncertain {
  value: number;
  uncertainty: number;
}

const f = Math.fround;

export function meanAndUncertainty(sum: number, sum2: number, count: number): Uncertain {
  if (count < 1) return {value: 0, uncertainty: 0};
  const mean = sum / count;
  const variance = sum2 / count - mean * mean;
  return {value: mean, uncertainty: variance > 0 && count > 10 ? Math.sqrt(variance / (count - 1)) : 0};
}

export function covariance(sumA: number, sumB: number, sumAB: number, count: number): number {
  if (count < 10) return 0;
  return (sumAB / count - (sumA / count) * (sumB / count)) / (count - 1);
}

/** sorted: ascending float values; fraction in float as the C code passes 0.999f */
export function percentile(sorted: Float32Array, fraction: number): number {
  const n = sorted.length;
  if (fraction <= 0) return sorted[0]!;
  if (fraction >= 1) return sorted[n - 1]!;
  let p = f(f(fraction) * (n - 1));
  const ip = Math.floor(p);
  p = f(p - ip);
  return f(f(f(1 - p) * sorted[ip]!) + f(p * sorted[Math.min(ip + 1, n - 1)]!));
}

export function median(sorted: Float32Array): number {
  const n = sorted.length;
  return n % 2 === 0 ? f(0.5 * f(sorted[n / 2]! + sorted[n / 2 - 1]!)) : sorted[(n - 1) / 2]!;
}

/** the KLD percentiles printed, as [json name, fraction] */
const KLD_PERCENTILES = [
  ["kld_99.9", 0.999],
  ["kld_99.0", 0.99],
  ["kld_10.0", 0.1],
  ["kld_5.0", 0.05],
  ["kld_1.0", 0.01]
] as const;
const DP_PERCENTILES = [
  ["dp_99.9_percent", 0.999],
  ["dp_99.0_percent", 0.99],
  ["dp_95.0_percent", 0.95],
  ["dp_90.0_percent", 0.9],
  ["dp_75.0_percent", 0.75],
  ["dp_25.0_percent", 0.25],
  ["dp_10.0_percent", 0.1],
  ["dp_5.0_percent", 0.05],
  ["dp_1.0_percent", 0.01],
  ["dp_0.1_percent", 0.001]
] as const;

export type KldStatistics = {
  ppl_q: Uncertain;
  ppl_base: Uncertain;
  cor_ln_ppl_percent: number;
  ln_ppl_ratio: Uncertain;
  ppl_ratio: Uncertain;
  ppl_diff: Uncertain;
  kld_mean: Uncertain;
  kld_max: number;
  kld_median: number;
  kld_min: number;
  dp_mean_percent: Uncertain;
  dp_max_percent: number;
  dp_median_percent: number;
  dp_min_percent: number;
  rms_dp_percent: Uncertain;
  same_top_p_percent: Uncertain;
} & Record<(typeof KLD_PERCENTILES)[number][0] | (typeof DP_PERCENTILES)[number][0], number>;

/** The running row llama-perplexity prints after each chunk. */
export interface KldChunkRow {
  /** 1-based, as printed */
  chunk: number;
  ppl_q: Uncertain;
  ln_ppl_ratio: Uncertain;
  kld: Uncertain;
  rms_dp_percent: Uncertain;
  same_top_p_percent: Uncertain;
}

const scaled = (u: Uncertain, k: number): Uncertain => ({value: k * u.value, uncertainty: k * u.uncertainty});

function logPpl(s: KldSums) {
  const q = meanAndUncertainty(s.sumNll, s.sumNll2, s.count);
  const base = meanAndUncertainty(s.sumNllBase, s.sumNllBase2, s.count);
  const cov = covariance(s.sumNll, s.sumNllBase, s.sumNllNllBase, s.count);
  const ratio = {
    value: q.value - base.value,
    uncertainty: Math.sqrt(q.uncertainty ** 2 + base.uncertainty ** 2 - 2 * cov)
  };
  return {q, base, cov, ratio};
}

function rmsDp(s: KldSums): Uncertain {
  const mse = meanAndUncertainty(s.sumPDiff2, s.sumPDiff4, s.count);
  const rms = Math.sqrt(mse.value);
  return {value: rms, uncertainty: (0.5 / rms) * mse.uncertainty};
}

function sameTop(s: KldSums): Uncertain {
  const p = s.sameTop / s.count;
  return {value: p, uncertainty: Math.sqrt((p * (1 - p)) / (s.count - 1))};
}

export function chunkRow(chunk: number, s: KldSums): KldChunkRow {
  const {q, ratio} = logPpl(s);
  const ppl = Math.exp(q.value);
  return {
    chunk,
    ppl_q: {value: ppl, uncertainty: ppl * q.uncertainty},
    ln_ppl_ratio: ratio,
    kld: meanAndUncertainty(s.sumKld, s.sumKld2, s.count),
    rms_dp_percent: scaled(rmsDp(s), 100),
    same_top_p_percent: scaled(sameTop(s), 100)
  };
}

/** The final statistics from the sums and every scored token's KLD and Δp (float, any order). */
export function kldStatistics(s: KldSums, klds: Float32Array, dps: Float32Array): KldStatistics {
  if (s.count < 1 || klds.length !== s.count || dps.length !== s.count)
    throw new Error(`invalid KLD values: ${klds.length} KLDs and ${dps.length} Δp for ${s.count} scored tokens`);
  const kld = Float32Array.from(klds).sort();
  const dp = Float32Array.from(dps).sort();
  const {q, base, cov, ratio} = logPpl(s);
  const pplQ = Math.exp(q.value);
  const pplBase = Math.exp(base.value);
  const uQ = pplQ * q.uncertainty;
  const uBase = pplBase * base.uncertainty;
  const pplRatio = Math.exp(ratio.value);
  const out = {
    ppl_q: {value: pplQ, uncertainty: uQ},
    ppl_base: {value: pplBase, uncertainty: uBase},
    cor_ln_ppl_percent: (100 * cov) / (q.uncertainty * base.uncertainty),
    ln_ppl_ratio: ratio,
    ppl_ratio: {value: pplRatio, uncertainty: pplRatio * ratio.uncertainty},
    ppl_diff: {value: pplQ - pplBase, uncertainty: Math.sqrt(uQ * uQ + uBase * uBase - 2 * pplQ * pplBase * cov)},
    kld_mean: meanAndUncertainty(s.sumKld, s.sumKld2, s.count),
    kld_max: kld[kld.length - 1]!,
    kld_median: median(kld),
    kld_min: kld[0]!,
    dp_mean_percent: scaled(meanAndUncertainty(s.sumPDiff, s.sumPDiff2, s.count), 100),
    dp_max_percent: 100 * dp[dp.length - 1]!,
    dp_median_percent: 100 * median(dp),
    dp_min_percent: 100 * dp[0]!,
    rms_dp_percent: scaled(rmsDp(s), 100),
    same_top_p_percent: scaled(sameTop(s), 100)
  } as KldStatistics;
  for (const [name, fraction] of KLD_PERCENTILES) out[name] = percentile(kld, fraction);
  for (const [name, fraction] of DP_PERCENTILES) out[name] = 100 * percentile(dp, fraction);
  return out;
}

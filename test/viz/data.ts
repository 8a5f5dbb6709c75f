// Deterministic example data for the viz snapshots (seeded LCG, no clock): shapes match the stories15M model
// (dim 288, 6 heads, 6 layers) so the pictures look like the real thing.
import * as d3 from "d3";

export const TOKENS = [
  "<s>",
  " Once",
  " upon",
  " a",
  " time",
  ",",
  " there",
  " was",
  " a",
  " little",
  " girl",
  " named"
];

export function lcg(seed = 42): () => number {
  return d3.randomLcg(seed);
}

export function normal(seed = 42, sigma = 1): () => number {
  return d3.randomNormal.source(lcg(seed))(0, sigma);
}

/** (rows, cols) activations with a few outlier dimensions, like a residual stream. */
export function activations(rows: number, cols: number, seed = 42): Float32Array {
  const rand = normal(seed);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const outlier = c % 97 === 5 ? 6 : 1;
      out[r * cols + c] = rand() * outlier * (0.4 + 0.6 * Math.cos(r / 7) ** 2);
    }
  }
  return out;
}

/** (heads, T, T) causal softmax patterns: head h prefers keys about h tokens back, head 0 the first token. */
export function attentionPatterns(heads: number, T: number, seed = 7): Float32Array {
  const rand = lcg(seed);
  const out = new Float32Array(heads * T * T);
  for (let h = 0; h < heads; h++) {
    for (let q = 0; q < T; q++) {
      let sum = 0;
      const row = h * T * T + q * T;
      for (let k = 0; k <= q; k++) {
        const score = h === 0 ? (k === 0 ? 3 : 0) : -Math.abs(q - k - h) + rand();
        out[row + k] = Math.exp(score);
        sum += out[row + k]!;
      }
      for (let k = 0; k <= q; k++) out[row + k]! /= sum;
    }
  }
  return out;
}

/** Gaussian weights (σ = 0.02) with a few ×8 outliers. */
export function weights(n: number, seed = 3): Float32Array {
  const rand = normal(seed, 0.02);
  return Float32Array.from({length: n}, (_, i) => rand() * (i % 211 === 17 ? 8 : 1));
}

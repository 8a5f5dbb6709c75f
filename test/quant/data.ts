// Deterministic test data: a seeded LCG (Numerical Recipes constants) and Box–Muller Gaussians.

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

/** n float32 values from N(0, sigma²). */
export function gaussian(n: number, sigma: number, seed: number): Float32Array {
  const u = lcg(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())) * sigma;
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/** ggml's test-quantize-fns data: 0.1 + 2·cos(i + offset). */
export function cosineData(n: number, offset = 0): Float32Array {
  return Float32Array.from({length: n}, (_, i) => 0.1 + 2 * Math.cos(i + offset));
}

/** max|a − b| / max|b| per logits row, the worst row: how far two runs of the same tokens drift. */
export function maxRowRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  for (let r = 0; r < b.length; r++) {
    let d = 0;
    let m = 0;
    for (let i = 0; i < b[r]!.length; i++) {
      d = Math.max(d, Math.abs(a[r]![i]! - b[r]![i]!));
      m = Math.max(m, Math.abs(b[r]![i]!));
    }
    worst = Math.max(worst, d / m);
  }
  return worst;
}

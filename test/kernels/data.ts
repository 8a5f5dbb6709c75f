// Deterministic test data for the kernel tests and the benchmark: a seeded LCG (Numerical Recipes constants).

/** Fills a with uniform values in [-scale, scale) from seed; returns a. */
export function fillLcg<T extends Float32Array>(a: T, seed: number, scale = 1): T {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32) * 2 * scale - scale;
  }
  return a;
}

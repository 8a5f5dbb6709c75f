/** X (T,n) @ W (d,n)ᵀ -> out (T,d): one matvec per row of X, the batched form prefill uses. */
export function matmul(out: Float32Array, x: Float32Array, w: Float32Array, T: number, n: number, d: number): void {
  // rows of W outer, tokens inner: each weight row is read once for all T tokens while it is in cache
  for (let i = 0; i < d; i++) {
    const row = i * n;
    for (let t = 0; t < T; t++) {
      const xt = t * n;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += w[row + j]! * x[xt + j]!;
      out[t * d + i] = sum;
    }
  }
}

/** out (T, n) += b (n,): a projection's bias added to each of T rows (Qwen2's q/k/v). */
export function addBias(out: Float32Array, b: Float32Array, n: number, T: number): void {
  for (let t = 0; t < T; t++) {
    const o = t * n;
    for (let i = 0; i < n; i++) out[o + i] = out[o + i]! + b[i]!;
  }
}

/** x (n,) -> out (n,) = exp(x - max) / Σ exp(x - max). out may be x; -Infinity entries become 0. */
export function softmax(out: Float32Array, x: Float32Array, n: number, offset = 0): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (x[offset + i]! > max) max = x[offset + i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(x[offset + i]! - max);
    out[offset + i] = e;
    sum += out[offset + i]!;
  }
  for (let i = 0; i < n; i++) out[offset + i] = out[offset + i]! / sum;
}

export const RMSNORM_EPS = 1e-5;

/**
 * x (n,), w (n,) -> out (n,) = w · x / sqrt(mean(x²) + eps); returns that scale sqrt(mean(x²) + eps).
 * The sum of squares accumulates in a float64 number (JS arithmetic), never in a float64 copy of x. out may be x.
 */
export function rmsnorm(out: Float32Array, x: Float32Array, w: Float32Array, n: number): number {
  let ss = 0;
  for (let j = 0; j < n; j++) ss += x[j]! * x[j]!;
  // rounded to float32 so that a scale stored in a Float32Array (for hooks) reproduces the same output
  const scale = Math.fround(Math.sqrt(ss / n + RMSNORM_EPS));
  const inv = 1 / scale;
  for (let j = 0; j < n; j++) out[j] = w[j]! * (inv * x[j]!);
  return scale;
}

/** x (n,), w (n,) -> out (n,) = w · x / scale, for a scale a hook has replaced. */
export function rmsnormWithScale(out: Float32Array, x: Float32Array, w: Float32Array, n: number, scale: number): void {
  const inv = 1 / scale;
  for (let j = 0; j < n; j++) out[j] = w[j]! * (inv * x[j]!);
}

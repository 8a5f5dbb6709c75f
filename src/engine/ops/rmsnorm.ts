export const RMSNORM_EPS = 1e-5;

/**
 * x (n,), w (n,) -> out (n,) = w · x / sqrt(mean(x²) + eps); returns that scale sqrt(mean(x²) + eps).
 * The sum of squares accumulates in a float64 number (JS arithmetic), never in a float64 copy of x. out may be x.
 */
export function rmsnorm(out: Float32Array, x: Float32Array, w: Float32Array, n: number, eps = RMSNORM_EPS): number {
  rmsnormRows(out, x, w, n, 1, oneScale, eps);
  return oneScale[0]!;
}
const oneScale = new Float32Array(1);

/**
 * x (T, n) rows, w (n,) -> out (T, n), each row as rmsnorm (eps: the model's, default 1e-5), its scale stored in
 * scales[t] (T,). Returns nothing: a float returned from a call the JIT does not inline is boxed on the heap, and decode must allocate nothing.
 */
export function rmsnormRows(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  n: number,
  T: number,
  scales: Float32Array,
  eps = RMSNORM_EPS
): void {
  for (let t = 0, o = 0; t < T; t++, o += n) {
    let ss = 0;
    for (let j = 0; j < n; j++) ss += x[o + j]! * x[o + j]!;
    // rounded to float32 so that a scale stored in a Float32Array (for hooks) reproduces the same output
    const scale = Math.fround(Math.sqrt(ss / n + eps));
    const inv = 1 / scale;
    for (let j = 0; j < n; j++) out[o + j] = w[j]! * (inv * x[o + j]!);
    scales[t] = scale;
  }
}

/** x (n,), w (n,) -> out (n,) = w · x / scale, for a scale a hook has replaced. */
export function rmsnormWithScale(out: Float32Array, x: Float32Array, w: Float32Array, n: number, scale: number): void {
  const inv = 1 / scale;
  for (let j = 0; j < n; j++) out[j] = w[j]! * (inv * x[j]!);
}

// rmsnorm: out (n,) = w (n,) · x / scale, scale = sqrt(mean(x²) + eps); the sum of squares accumulates in f64 and the
// scale is rounded to f32 and returned (as the reference op, so a scale stored for hooks reproduces the output).
// out may be x.

export function rmsnorm(out: usize, x: usize, w: usize, n: i32, eps: f64): f64 {
  const n4 = n & ~3;
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j < n4; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  let ss = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) {
    const v = <f64>load<f32>(x + (<usize>j << 2));
    ss += v * v;
  }
  const scale = <f64><f32>Math.sqrt(ss / n + eps);
  rmsnormWithScale(out, x, w, n, scale);
  return scale;
}

/** rmsnorm of T contiguous rows of n, each scale stored as f32 at scales + 4t (nothing returned to JS). */
export function rmsnormRows(out: usize, x: usize, w: usize, n: i32, T: i32, scales: usize, eps: f64): void {
  for (let t = 0; t < T; t++) {
    const o = <usize>t * <usize>n << 2;
    store<f32>(scales + (<usize>t << 2), <f32>rmsnorm(out + o, x + o, w, n, eps));
  }
}

export function rmsnormWithScale(out: usize, x: usize, w: usize, n: i32, scale: f64): void {
  const inv = <f32>(1 / scale);
  const inv4 = f32x4.splat(inv);
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const o = <usize>j << 2;
    v128.store(out + o, f32x4.mul(v128.load(w + o), f32x4.mul(inv4, v128.load(x + o))));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(w + o) * (inv * load<f32>(x + o)));
  }
}

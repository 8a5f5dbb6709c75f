// softmax: x (n,) -> out (n,) = e^(x − max) / Σ e^(x − max); out may be x; −Infinity entries become exactly 0.
import {expf1, expf4} from "./common";

export function softmax(out: usize, x: usize, n: i32): void {
  const n4 = n & ~3;
  let m = load<f32>(x);
  for (let j = 1; j < n; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
  const m4 = f32x4.splat(m);
  let s4 = f32x4.splat(0);
  let j = 0;
  for (; j < n4; j += 4) {
    const o = <usize>j << 2;
    const e = expf4(f32x4.sub(v128.load(x + o), m4));
    v128.store(out + o, e);
    s4 = f32x4.add(s4, e);
  }
  let sum = <f64>f32x4.extract_lane(s4, 0) + <f64>f32x4.extract_lane(s4, 1);
  sum += <f64>f32x4.extract_lane(s4, 2) + <f64>f32x4.extract_lane(s4, 3);
  for (; j < n; j++) {
    const o = <usize>j << 2;
    const e = expf1(load<f32>(x + o) - m);
    store<f32>(out + o, e);
    sum += e;
  }
  const inv = <f32>(1 / sum);
  const i4 = f32x4.splat(inv);
  j = 0;
  for (; j < n4; j += 4) {
    const p = out + (<usize>j << 2);
    v128.store(p, f32x4.mul(v128.load(p), i4));
  }
  for (; j < n; j++) {
    const p = out + (<usize>j << 2);
    store<f32>(p, load<f32>(p) * inv);
  }
}

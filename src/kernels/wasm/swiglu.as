// swiglu: out (n,) = silu(gate) · up, silu(g) = g · 1/(1 + e^(−g)).
import {expf1, expf4} from "./common";

export function swiglu(out: usize, gate: usize, up: usize, n: i32): void {
  const n4 = n & ~3;
  const one = f32x4.splat(1);
  let j = 0;
  for (; j < n4; j += 4) {
    const o = <usize>j << 2;
    const g = v128.load(gate + o);
    const sig = f32x4.div(one, f32x4.add(one, expf4(f32x4.neg(g))));
    v128.store(out + o, f32x4.mul(f32x4.mul(g, sig), v128.load(up + o)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    const g = load<f32>(gate + o);
    store<f32>(out + o, g * (<f32>1 / (1 + expf1(-g))) * load<f32>(up + o));
  }
}

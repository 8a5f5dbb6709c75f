// matvec: W (d,n) @ x (n,) -> out (d,), rows [r0, r1) only (threads split the rows).
// Dot-product form: four rows share each load of x, two accumulators per row hide the add latency.
import {hsum} from "./common";

export function matvec(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const rowBytes = <usize>n << 2;
  const n8 = n & ~7;
  const n4 = n & ~3;
  let i = r0;
  for (; i + 4 <= r1; i += 4) {
    const w0 = w + <usize>i * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
    let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
    let j = 0;
    for (; j < n8; j += 8) {
      const o = <usize>j << 2;
      const xa = v128.load(x + o);
      const xb = v128.load(x + o, 16);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), xa));
      b0 = f32x4.add(b0, f32x4.mul(v128.load(w0 + o, 16), xb));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + o), xa));
      b1 = f32x4.add(b1, f32x4.mul(v128.load(w1 + o, 16), xb));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + o), xa));
      b2 = f32x4.add(b2, f32x4.mul(v128.load(w2 + o, 16), xb));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + o), xa));
      b3 = f32x4.add(b3, f32x4.mul(v128.load(w3 + o, 16), xb));
    }
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      const xa = v128.load(x + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), xa));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + o), xa));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + o), xa));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + o), xa));
    }
    let s0 = hsum(f32x4.add(a0, b0)), s1 = hsum(f32x4.add(a1, b1));
    let s2 = hsum(f32x4.add(a2, b2)), s3 = hsum(f32x4.add(a3, b3));
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const xv = load<f32>(x + o);
      s0 += load<f32>(w0 + o) * xv;
      s1 += load<f32>(w1 + o) * xv;
      s2 += load<f32>(w2 + o) * xv;
      s3 += load<f32>(w3 + o) * xv;
    }
    const po = out + (<usize>i << 2);
    store<f32>(po, s0);
    store<f32>(po, s1, 4);
    store<f32>(po, s2, 8);
    store<f32>(po, s3, 12);
  }
  for (; i < r1; i++) {
    const w0 = w + <usize>i * rowBytes;
    let a0 = f32x4.splat(0);
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), v128.load(x + o)));
    }
    let s0 = hsum(a0);
    for (; j < n; j++) s0 += load<f32>(w0 + (<usize>j << 2)) * load<f32>(x + (<usize>j << 2));
    store<f32>(out + (<usize>i << 2), s0);
  }
}

// matvec over 16-bit float weights, W (d,n) @ x (n,) -> out (d,), rows [r0, r1); x f32. Rows are n halves (2n bytes,
// not 16-byte aligned in general: wasm loads need no alignment), converted 8 at a time in registers.
//   F16: IEEE half (subnormals, inf and NaN as halfToFloat);  BF16: the top 16 bits of an f32.
import {halfToFloat, hsum} from "./common";

/** Four fp16 values (low 16 bits of each u32 lane) -> f32, exact, as halfToFloat lane by lane. */
@inline function halfToFloat4(h: v128): v128 {
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  const mag = f32x4.mul(i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13), f32x4.splat(reinterpret<f32>(<u32>0x77800000)));
  const special = v128.or(i32x4.splat(0x7f800000), i32x4.shl(v128.and(h, i32x4.splat(0x3ff)), 13));
  const exp = v128.and(h, i32x4.splat(0x7c00));
  return v128.or(v128.bitselect(special, mag, i32x4.eq(exp, i32x4.splat(0x7c00))), sign);
}

export function matvecF16(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const n8 = n & ~7;
  for (let i = r0; i < r1; i++) {
    const wp = w + <usize>i * (<usize>n << 1);
    let a = f32x4.splat(0);
    let b = f32x4.splat(0);
    let j = 0;
    for (; j < n8; j += 8) {
      const h = v128.load(wp + (<usize>j << 1));
      const xp = x + (<usize>j << 2);
      a = f32x4.add(a, f32x4.mul(halfToFloat4(i32x4.extend_low_i16x8_u(h)), v128.load(xp)));
      b = f32x4.add(b, f32x4.mul(halfToFloat4(i32x4.extend_high_i16x8_u(h)), v128.load(xp, 16)));
    }
    let s = hsum(f32x4.add(a, b));
    for (; j < n; j++) s += halfToFloat(load<u16>(wp + (<usize>j << 1))) * load<f32>(x + (<usize>j << 2));
    store<f32>(out + (<usize>i << 2), s);
  }
}

export function matvecBF16(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const n8 = n & ~7;
  for (let i = r0; i < r1; i++) {
    const wp = w + <usize>i * (<usize>n << 1);
    let a = f32x4.splat(0);
    let b = f32x4.splat(0);
    let j = 0;
    for (; j < n8; j += 8) {
      const h = v128.load(wp + (<usize>j << 1));
      const xp = x + (<usize>j << 2);
      a = f32x4.add(a, f32x4.mul(i32x4.shl(i32x4.extend_low_i16x8_u(h), 16), v128.load(xp)));
      b = f32x4.add(b, f32x4.mul(i32x4.shl(i32x4.extend_high_i16x8_u(h), 16), v128.load(xp, 16)));
    }
    let s = hsum(f32x4.add(a, b));
    for (; j < n; j++) s += reinterpret<f32>(<u32>load<u16>(wp + (<usize>j << 1)) << 16) * load<f32>(x + (<usize>j << 2));
    store<f32>(out + (<usize>i << 2), s);
  }
}

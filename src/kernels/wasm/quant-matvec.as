// Fused dequant-matvec over ggml blocks: W (d,n) @ x (n,) -> out (d,), rows [r0, r1); x stays f32.
// Each row of W is n/32 blocks, rows contiguous. Dequantization happens in registers: the f32 weights never exist.
//   Q8_0 (34 B): fp16 d, int8 q[32];          w = d·q
//   Q4_0 (18 B): fp16 d, u8 qs[16];           w_j = d·((qs[j]&15)−8), w_{j+16} = d·((qs[j]>>4)−8)
//   Q4_1 (20 B): fp16 d, fp16 m, u8 qs[16];   w = d·q + m   (same nibble order as Q4_0)
import {halfToFloat, hsum} from "./common";

/** Σ_i x[i]·q[i] over 16 int8 lanes q (already as i8x16) and 16 floats at xp. */
@inline function dotI8x16F32(q: v128, xp: usize): v128 {
  const lo = i16x8.extend_low_i8x16_s(q);
  const hi = i16x8.extend_high_i8x16_s(q);
  let s = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), v128.load(xp));
  s = f32x4.add(s, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), v128.load(xp, 16)));
  s = f32x4.add(s, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), v128.load(xp, 32)));
  return f32x4.add(s, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), v128.load(xp, 48)));
}

export function matvecQ8_0(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 34;
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const s = f32x4.add(dotI8x16F32(v128.load(bp, 2), xp), dotI8x16F32(v128.load(bp, 18), xp + 64));
      acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(halfToFloat(load<u16>(bp)))));
      bp += 34;
      xp += 128;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

export function matvecQ4_0(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 18;
  const mask = i8x16.splat(15);
  const eight = i8x16.splat(8);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 2);
      const lo = i8x16.sub(v128.and(q, mask), eight);
      const hi = i8x16.sub(i8x16.shr_u(q, 4), eight);
      const s = f32x4.add(dotI8x16F32(lo, xp), dotI8x16F32(hi, xp + 64));
      acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(halfToFloat(load<u16>(bp)))));
      bp += 18;
      xp += 128;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

/** Q4_1 also needs Σx per block (for the m term): xsum[b] = Σ_{j<32} x[32b + j], computed once per matvec. */
export function blockSums(xsum: usize, x: usize, n: i32): void {
  const nb = n >> 5;
  for (let b = 0; b < nb; b++) {
    const xp = x + (<usize>b << 7);
    let s = f32x4.add(v128.load(xp), v128.load(xp, 16));
    s = f32x4.add(s, f32x4.add(v128.load(xp, 32), v128.load(xp, 48)));
    s = f32x4.add(s, f32x4.add(v128.load(xp, 64), v128.load(xp, 80)));
    s = f32x4.add(s, f32x4.add(v128.load(xp, 96), v128.load(xp, 112)));
    store<f32>(xsum + (<usize>b << 2), hsum(s));
  }
}

export function matvecQ4_1(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, xsum: usize): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 20;
  const mask = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    let accM: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 4);
      const s = f32x4.add(dotI8x16F32(v128.and(q, mask), xp), dotI8x16F32(i8x16.shr_u(q, 4), xp + 64));
      acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(halfToFloat(load<u16>(bp)))));
      accM += halfToFloat(load<u16>(bp, 2)) * load<f32>(xsum + (<usize>b << 2));
      bp += 20;
      xp += 128;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc) + accM);
  }
}

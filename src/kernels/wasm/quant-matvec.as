// Fused dequant-matvec over ggml blocks: W (d,n) @ x (n,) -> out (d,), rows [r0, r1); x stays f32.
// Each row of W is n/32 blocks, rows contiguous. Dequantization happens in registers: the f32 weights never exist.
//   Q8_0 (34 B): fp16 d, int8 q[32];          w = d·q
//   Q4_0 (18 B): fp16 d, u8 qs[16];           w_j = d·((qs[j]&15)−8), w_{j+16} = d·((qs[j]>>4)−8)
//   Q4_1 (20 B): fp16 d, fp16 m, u8 qs[16];   w = d·q + m   (same nibble order as Q4_0)
//   Q5_0 (22 B): fp16 d, u32 qh, u8 qs[16];   w = d·(q − 16), bit j of qh the 5th bit of element j
//   Q5_1 (24 B): fp16 d, fp16 m, u32 qh, u8 qs[16];   w = d·q + m
//   IQ4_NL (18 B): fp16 d, u8 qs[16];         w = d·K[q], K the 16-entry non-linear table
import {dotI8x16F32, halfToFloat, hsum} from "./common";

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

/** 0x10 in lane j where bit j (hi: bit 16 + j) of the 32-bit qh at p is set: Q5_0 / Q5_1's 5th bits. */
@inline export function fifthBits(p: usize, hi: bool): v128 {
  const bytes = v128.load32_splat(p);
  const pick = hi
    ? i8x16.swizzle(bytes, i8x16(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3))
    : i8x16.swizzle(bytes, i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
  const bit = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  return v128.and(i8x16.eq(v128.and(pick, bit), bit), i8x16.splat(0x10));
}

export function matvecQ5_0(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 22;
  const mask = i8x16.splat(15);
  const k16 = i8x16.splat(16);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 6);
      const lo = i8x16.sub(v128.or(v128.and(q, mask), fifthBits(bp + 2, false)), k16);
      const hi = i8x16.sub(v128.or(i8x16.shr_u(q, 4), fifthBits(bp + 2, true)), k16);
      const s = f32x4.add(dotI8x16F32(lo, xp), dotI8x16F32(hi, xp + 64));
      acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(halfToFloat(load<u16>(bp)))));
      bp += 22;
      xp += 128;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

export function matvecQ5_1(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, xsum: usize): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 24;
  const mask = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    let accM: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 8);
      const lo = v128.or(v128.and(q, mask), fifthBits(bp + 4, false));
      const hi = v128.or(i8x16.shr_u(q, 4), fifthBits(bp + 4, true));
      const s = f32x4.add(dotI8x16F32(lo, xp), dotI8x16F32(hi, xp + 64));
      acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(halfToFloat(load<u16>(bp)))));
      accM += halfToFloat(load<u16>(bp, 2)) * load<f32>(xsum + (<usize>b << 2));
      bp += 24;
      xp += 128;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc) + accM);
  }
}

export function matvecIQ4_NL(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 18;
  const mask = i8x16.splat(15);
  const table = i8x16(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 2);
      const lo = i8x16.swizzle(table, v128.and(q, mask));
      const hi = i8x16.swizzle(table, i8x16.shr_u(q, 4));
      const s = f32x4.add(dotI8x16F32(lo, xp), dotI8x16F32(hi, xp + 64));
      acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(halfToFloat(load<u16>(bp)))));
      bp += 18;
      xp += 128;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

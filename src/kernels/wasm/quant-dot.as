// The Q8_0-activation integer path (ggml's vec_dot_type, llama2.c's runq): x is quantized once per matvec, then
// every block dot is an integer dot of int8 pairs (i32x4.dot_i16x8_s), scaled by d_w·d_x.
//   x as Q8_0: d = amax/127 (stored fp16), q = roundf(x/d) (half away from zero), as ggml quantize_row_q8_0_ref.
//   x as Q8_1 (for Q4_1): the same plus s = fp16(d·Σq), so Σ(d_w·q_w + m)·(d_x·q_x) = d_w·d_x·Σq_w·q_x + m·s.
// Layout of quantized x (scratch): q int8[n] at xq, then f32 d[n/32] and f32 s[n/32] (fp16-rounded values) at xd.
import {floatToHalf, halfToFloat, hsum} from "./common";

/** roundf on four lanes: nearest integer, halves away from zero. */
@inline function roundAway(v: v128): v128 {
  const t = f32x4.trunc(v);
  const half = f32x4.ge(f32x4.abs(f32x4.sub(v, t)), f32x4.splat(0.5));
  const one = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1)); // ±1 with the sign of v
  return f32x4.add(t, v128.and(half, one));
}

export function quantizeQ8(xq: usize, xd: usize, x: usize, n: i32): void {
  const nb = n >> 5;
  for (let b = 0; b < nb; b++) {
    const xp = x + (<usize>b << 7);
    let m = f32x4.abs(v128.load(xp));
    for (let k = 1; k < 8; k++) m = f32x4.max(m, f32x4.abs(v128.load(xp + (<usize>k << 4))));
    const amax = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
    const d: f32 = amax / 127;
    const id = f32x4.splat(d != 0 ? <f32>1 / d : 0);
    let qsum = i32x4.splat(0);
    const qp = xq + (<usize>b << 5);
    for (let k = 0; k < 8; k += 2) {
      const a = i32x4.trunc_sat_f32x4_s(roundAway(f32x4.mul(v128.load(xp + (<usize>k << 4)), id)));
      const c = i32x4.trunc_sat_f32x4_s(roundAway(f32x4.mul(v128.load(xp + (<usize>k << 4), 16), id)));
      qsum = i32x4.add(qsum, i32x4.add(a, c));
      const q16 = i16x8.narrow_i32x4_s(a, c);
      v128.store64_lane(qp + (<usize>k << 2), i8x16.narrow_i16x8_s(q16, q16), 0);
    }
    const dh = halfToFloat(floatToHalf(d));
    const sumq = <f32>(i32x4.extract_lane(qsum, 0) + i32x4.extract_lane(qsum, 1) + i32x4.extract_lane(qsum, 2) + i32x4.extract_lane(qsum, 3));
    store<f32>(xd + (<usize>b << 2), dh);
    store<f32>(xd + (<usize>(nb + b) << 2), halfToFloat(floatToHalf(sumq * d)));
  }
}

/** Σ q_w·q_x over 16 int8 lane pairs, as four i32 partial sums. */
@inline export function dotI8(a: v128, b: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(a), i16x8.extend_low_i8x16_s(b));
  return i32x4.add(lo, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(a), i16x8.extend_high_i8x16_s(b)));
}

export function matvecQ8_0Q8(r0: i32, r1: i32, out: usize, xq: usize, w: usize, n: i32, xd: usize): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 34;
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const qp = xq + (<usize>b << 5);
      const si = i32x4.add(dotI8(v128.load(bp, 2), v128.load(qp)), dotI8(v128.load(bp, 18), v128.load(qp, 16)));
      const scale = halfToFloat(load<u16>(bp)) * load<f32>(xd + (<usize>b << 2));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(si), f32x4.splat(scale)));
      bp += 34;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

export function matvecQ4_0Q8(r0: i32, r1: i32, out: usize, xq: usize, w: usize, n: i32, xd: usize): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 18;
  const mask = i8x16.splat(15);
  const eight = i8x16.splat(8);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 2);
      const qp = xq + (<usize>b << 5);
      const lo = i8x16.sub(v128.and(q, mask), eight);
      const hi = i8x16.sub(i8x16.shr_u(q, 4), eight);
      const si = i32x4.add(dotI8(lo, v128.load(qp)), dotI8(hi, v128.load(qp, 16)));
      const scale = halfToFloat(load<u16>(bp)) * load<f32>(xd + (<usize>b << 2));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(si), f32x4.splat(scale)));
      bp += 18;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

export function matvecQ4_1Q8(r0: i32, r1: i32, out: usize, xq: usize, w: usize, n: i32, xd: usize): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 20;
  const mask = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let acc = f32x4.splat(0);
    let accM: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 4);
      const qp = xq + (<usize>b << 5);
      const si = i32x4.add(dotI8(v128.and(q, mask), v128.load(qp)), dotI8(i8x16.shr_u(q, 4), v128.load(qp, 16)));
      const scale = halfToFloat(load<u16>(bp)) * load<f32>(xd + (<usize>b << 2));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(si), f32x4.splat(scale)));
      accM += halfToFloat(load<u16>(bp, 2)) * load<f32>(xd + (<usize>(nb + b) << 2));
      bp += 20;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc) + accM);
  }
}

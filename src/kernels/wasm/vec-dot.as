// llama.cpp's integer path (--act ggml): x converted once per matvec to the weight type's vec_dot_type, as
// src/formats/vec-dot.ts names it, byte for byte as the codecs there write it; then ggml's block dot products
// (ggml_vec_dot_*_q8_*): exact integer sums per block, then the float scaling in ggml's order — for the 32-value
// blocks that of its x86 AVX2 kernels (arch/x86/quants.c, what llama.cpp's CPU build runs), for the K-quants that of
// the scalar reference (quants.c).
//   quantizeQ8_0x86 -> block_q8_0 (34 B: fp16 d | int8 qs[32]), d = amax/127, q = round-half-even(x·127/amax)
//   quantizeQ8_1    -> block_q8_1 (36 B: fp16 d | fp16 s | int8 qs[32]), the same q and d, s = fp16(d·Σq)
//   quantizeQ8_K    -> block_q8_K (292 B: f32 d | int8 qs[256] | int16 bsums[16]), iscale = −127/max,
//                      q = min(127, nearest_int(iscale·x)) (the 1.5·2^23 trick, wrapped to a byte), d = 1/iscale
// A non-finite x·127/amax (amax below ~4e-37: 127/amax is inf) gives q = 0 and, in Q8_1, s = ±inf or NaN (the
// machine's NaN, as in the codec), as the codecs do; ggml's AVX2 code would store −128 there.
// Dot kernels: rows [r0, r1) of W (d, n) against the converted x at y; out (d,).
//   Q8_0, Q4_0, Q5_0, IQ4_NL with Q8_0; Q4_1, Q5_1 with Q8_1: in the order of ggml's x86 kernels (see below).
//   Q2_K with Q8_K: sumf += d_x·d_w·isum − d_x·dmin_w·Σ bsums·m.
//   Q3_K…Q6_K with Q8_K: 8 integer lanes (lane l = the values ≡ l mod 8) scaled per block into 8 float32 lanes,
//   which are added to the (min-term) sum one after another at the end.
import {floatToHalf, halfToFloat} from "./common";
import {dotI8} from "./quant-dot";
import {fifthBits} from "./quant-matvec";
import {minK4, scaleK4, scaleQ3} from "./kquant-matvec";

/** float32 d of the block quantizeBlockX86 made last (Q8_1's s is rounded from it, before d is stored as fp16) */
let blockD: f32 = 0;

@inline function hsumI(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/**
 * One 32-value block at xp as x86's quantize_row_q8_0: the int8 codes to qp; returns Σq as a float, summed in float
 * like the codec's: exact for finite codes, and where x·id is not finite (its code is 0) ±inf or NaN as the codec's.
 */
function quantizeBlockX86(qp: usize, xp: usize): f32 {
  let m = f32x4.abs(v128.load(xp));
  for (let k = 1; k < 8; k++) m = f32x4.max(m, f32x4.abs(v128.load(xp + (<usize>k << 4))));
  const amax = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  const id = f32x4.splat(amax != 0 ? <f32>127 / amax : 0);
  const inf = f32x4.splat(Infinity);
  let qsum = f32x4.splat(0);
  for (let k = 0; k < 8; k += 2) {
    const r0 = f32x4.nearest(f32x4.mul(v128.load(xp + (<usize>k << 4)), id));
    const r1 = f32x4.nearest(f32x4.mul(v128.load(xp + (<usize>k << 4), 16), id));
    qsum = f32x4.add(qsum, f32x4.add(r0, r1));
    const a = v128.and(i32x4.trunc_sat_f32x4_s(r0), f32x4.lt(f32x4.abs(r0), inf));
    const c = v128.and(i32x4.trunc_sat_f32x4_s(r1), f32x4.lt(f32x4.abs(r1), inf));
    const q16 = i16x8.narrow_i32x4_s(a, c);
    v128.store64_lane(qp + (<usize>k << 2), i8x16.narrow_i16x8_s(q16, q16), 0);
  }
  blockD = amax / 127;
  return f32x4.extract_lane(qsum, 0) + f32x4.extract_lane(qsum, 1) + (f32x4.extract_lane(qsum, 2) + f32x4.extract_lane(qsum, 3));
}

export function quantizeQ8_0x86(y: usize, x: usize, n: i32): void {
  const nb = n >> 5;
  for (let b = 0; b < nb; b++) {
    const o = y + <usize>b * 34;
    quantizeBlockX86(o + 2, x + (<usize>b << 7));
    store<u16>(o, <u16>floatToHalf(blockD));
  }
}

export function quantizeQ8_1(y: usize, x: usize, n: i32): void {
  const nb = n >> 5;
  for (let b = 0; b < nb; b++) {
    const o = y + <usize>b * 36;
    const sum = quantizeBlockX86(o + 4, x + (<usize>b << 7));
    store<u16>(o, <u16>floatToHalf(blockD));
    store<u16>(o, <u16>floatToHalf(blockD * sum), 2);
  }
}

export function quantizeQ8_K(y: usize, x: usize, n: i32): void {
  const nb = n >> 8;
  const magic = f32x4.splat(12582912);
  for (let b = 0; b < nb; b++) {
    const o = y + <usize>b * 292;
    const xp = x + (<usize>b << 10);
    let amax: f32 = 0;
    let mx: f32 = 0;
    for (let j = 0; j < 256; j++) {
      const v = load<f32>(xp + (<usize>j << 2));
      if (abs(v) > amax) {
        amax = abs(v);
        mx = v;
      }
    }
    if (mx == 0) {
      memory.fill(o, 0, 292);
      continue;
    }
    const iscale: f32 = -127 / mx;
    const is = f32x4.splat(iscale);
    for (let g = 0; g < 16; g++) {
      let gs = i32x4.splat(0);
      const gp = xp + (<usize>g << 6);
      let q0 = i32x4.splat(0);
      let q1 = i32x4.splat(0);
      let q2 = i32x4.splat(0);
      for (let k = 0; k < 4; k++) {
        const t = f32x4.add(f32x4.mul(v128.load(gp + (<usize>k << 4)), is), magic);
        let q = i32x4.min_s(i32x4.sub(v128.and(t, i32x4.splat(0x7fffff)), i32x4.splat(0x400000)), i32x4.splat(127));
        q = i32x4.shr_s(i32x4.shl(q, 24), 24); // the low byte, signed: what an int8 store keeps
        gs = i32x4.add(gs, q);
        if (k == 0) q0 = q;
        else if (k == 1) q1 = q;
        else if (k == 2) q2 = q;
        else v128.store(o + 4 + (<usize>g << 4), i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q)));
      }
      store<i16>(o + 260 + (<usize>g << 1), <i16>hsumI(gs));
    }
    store<f32>(o, <f32>1 / iscale);
  }
}

/** 16 int8 pairs -> i32x4: the sums of 4 consecutive products, as x86's maddubs + madd make each float lane. */
@inline function quadSums(a: v128, b: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(a), i16x8.extend_low_i8x16_s(b));
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(a), i16x8.extend_high_i8x16_s(b));
  return i32x4.add(v128.shuffle<i32>(lo, hi, 0, 2, 4, 6), v128.shuffle<i32>(lo, hi, 1, 3, 5, 7));
}

/**
 * Two lanes of _mm256_fmadd_ps(d, q, acc): acc (f64x2 holding float32 values) + d·q (f64x2 d, the low two i32 lanes of
 * q) rounded once to float32. d·q is exact in f64 (24 × 17 bits), so only the sum rounds, and then once more to f32.
 */
@inline function fmaLanes(acc: v128, d: v128, q: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(d, f64x2.convert_low_i32x4_s(q)), acc)));
}

/** x86's hsum_float_8 over lanes a0..a7 (pairs in four f64x2): ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)). */
@inline function hsum8(a01: v128, a23: v128, a45: v128, a67: v128): f32 {
  const r0 = <f32>f64x2.extract_lane(a01, 0) + <f32>f64x2.extract_lane(a45, 0);
  const r1 = <f32>f64x2.extract_lane(a01, 1) + <f32>f64x2.extract_lane(a45, 1);
  const r2 = <f32>f64x2.extract_lane(a23, 0) + <f32>f64x2.extract_lane(a67, 0);
  const r3 = <f32>f64x2.extract_lane(a23, 1) + <f32>f64x2.extract_lane(a67, 1);
  return r0 + r2 + (r1 + r3);
}

// The 32-value block formats follow llama.cpp's x86 (AVX2) kernels, which its CPU build runs, rather than the scalar
// reference: 8 float lanes, lane l the integer sum of values 4l..4l+3 of a block, acc_l = fma(d_w·d_x, lane, acc_l),
// then hsum8 (and Q4_1 / Q5_1 add their sequential Σ m_w·s_x last; IQ4_NL alternates two accumulators).
// w8(bp) / lo, hi: the block's 32 weight codes as two i8x16 (values 0..15, 16..31).

export function vecDotQ8_0(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 34;
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let a01 = f64x2.splat(0);
    let a23 = a01;
    let a45 = a01;
    let a67 = a01;
    for (let b = 0; b < nb; b++) {
      const q03 = quadSums(v128.load(bp, 2), v128.load(yp, 2));
      const q47 = quadSums(v128.load(bp, 18), v128.load(yp, 18));
      const d = f64x2.splat(<f64>(halfToFloat(load<u16>(bp)) * halfToFloat(load<u16>(yp))));
      a01 = fmaLanes(a01, d, q03);
      a23 = fmaLanes(a23, d, v128.shuffle<i32>(q03, q03, 2, 3, 0, 1));
      a45 = fmaLanes(a45, d, q47);
      a67 = fmaLanes(a67, d, v128.shuffle<i32>(q47, q47, 2, 3, 0, 1));
      bp += 34;
      yp += 34;
    }
    store<f32>(out + (<usize>i << 2), hsum8(a01, a23, a45, a67));
  }
}

export function vecDotQ4_0(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 18;
  const mask = i8x16.splat(15);
  const eight = i8x16.splat(8);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let a01 = f64x2.splat(0);
    let a23 = a01;
    let a45 = a01;
    let a67 = a01;
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 2);
      const q03 = quadSums(i8x16.sub(v128.and(q, mask), eight), v128.load(yp, 2));
      const q47 = quadSums(i8x16.sub(i8x16.shr_u(q, 4), eight), v128.load(yp, 18));
      const d = f64x2.splat(<f64>(halfToFloat(load<u16>(bp)) * halfToFloat(load<u16>(yp))));
      a01 = fmaLanes(a01, d, q03);
      a23 = fmaLanes(a23, d, v128.shuffle<i32>(q03, q03, 2, 3, 0, 1));
      a45 = fmaLanes(a45, d, q47);
      a67 = fmaLanes(a67, d, v128.shuffle<i32>(q47, q47, 2, 3, 0, 1));
      bp += 18;
      yp += 34;
    }
    store<f32>(out + (<usize>i << 2), hsum8(a01, a23, a45, a67));
  }
}

export function vecDotQ5_0(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 22;
  const mask = i8x16.splat(15);
  const k16 = i8x16.splat(16);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let a01 = f64x2.splat(0);
    let a23 = a01;
    let a45 = a01;
    let a67 = a01;
    for (let b = 0; b < nb; b++) {
      const q = v128.load(bp, 6);
      const lo = i8x16.sub(v128.or(v128.and(q, mask), fifthBits(bp + 2, false)), k16);
      const hi = i8x16.sub(v128.or(i8x16.shr_u(q, 4), fifthBits(bp + 2, true)), k16);
      const q03 = quadSums(lo, v128.load(yp, 2));
      const q47 = quadSums(hi, v128.load(yp, 18));
      const d = f64x2.splat(<f64>(halfToFloat(load<u16>(bp)) * halfToFloat(load<u16>(yp))));
      a01 = fmaLanes(a01, d, q03);
      a23 = fmaLanes(a23, d, v128.shuffle<i32>(q03, q03, 2, 3, 0, 1));
      a45 = fmaLanes(a45, d, q47);
      a67 = fmaLanes(a67, d, v128.shuffle<i32>(q47, q47, 2, 3, 0, 1));
      bp += 22;
      yp += 34;
    }
    store<f32>(out + (<usize>i << 2), hsum8(a01, a23, a45, a67));
  }
}

export function vecDotIQ4_NL(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 18;
  const mask = i8x16.splat(15);
  const table = i8x16(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
  for (let i = r0; i < r1; i++) {
    const row = w + <usize>i * rowBytes;
    // two accumulators, even and odd blocks (ggml unrolls by 2), added lane by lane before hsum8
    let e01 = f64x2.splat(0);
    let e23 = e01;
    let e45 = e01;
    let e67 = e01;
    let o01 = e01;
    let o23 = e01;
    let o45 = e01;
    let o67 = e01;
    let b = 0;
    for (; b + 1 < nb; b += 2) {
      for (let k = 0; k < 2; k++) {
        const bp = row + <usize>(b + k) * 18;
        const yp = y + <usize>(b + k) * 34;
        const q = v128.load(bp, 2);
        const q03 = quadSums(i8x16.swizzle(table, v128.and(q, mask)), v128.load(yp, 2));
        const q47 = quadSums(i8x16.swizzle(table, i8x16.shr_u(q, 4)), v128.load(yp, 18));
        const d = f64x2.splat(<f64>(halfToFloat(load<u16>(yp)) * halfToFloat(load<u16>(bp))));
        const q23 = v128.shuffle<i32>(q03, q03, 2, 3, 0, 1);
        const q67 = v128.shuffle<i32>(q47, q47, 2, 3, 0, 1);
        if (k == 0) {
          e01 = fmaLanes(e01, d, q03);
          e23 = fmaLanes(e23, d, q23);
          e45 = fmaLanes(e45, d, q47);
          e67 = fmaLanes(e67, d, q67);
        } else {
          o01 = fmaLanes(o01, d, q03);
          o23 = fmaLanes(o23, d, q23);
          o45 = fmaLanes(o45, d, q47);
          o67 = fmaLanes(o67, d, q67);
        }
      }
    }
    const sum2 = (a: v128, c: v128): v128 => f64x2.promote_low_f32x4(f32x4.add(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(c)));
    let sumf = hsum8(sum2(e01, o01), sum2(e23, o23), sum2(e45, o45), sum2(e67, o67));
    // an odd last block: ggml's scalar tail
    for (; b < nb; b++) {
      const bp = row + <usize>b * 18;
      const yp = y + <usize>b * 34;
      const q = v128.load(bp, 2);
      const lo = i8x16.swizzle(table, v128.and(q, mask));
      const hi = i8x16.swizzle(table, i8x16.shr_u(q, 4));
      const si = hsumI(i32x4.add(dotI8(lo, v128.load(yp, 2)), dotI8(hi, v128.load(yp, 18))));
      sumf += halfToFloat(load<u16>(yp)) * halfToFloat(load<u16>(bp)) * <f32>si;
    }
    store<f32>(out + (<usize>i << 2), sumf);
  }
}

export function vecDotQ4_1(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 20;
  const mask = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let a01 = f64x2.splat(0);
    let a23 = a01;
    let a45 = a01;
    let a67 = a01;
    let summs: f32 = 0;
    for (let b = 0; b < nb; b++) {
      summs += halfToFloat(load<u16>(bp, 2)) * halfToFloat(load<u16>(yp, 2));
      const q = v128.load(bp, 4);
      const q03 = quadSums(v128.and(q, mask), v128.load(yp, 4));
      const q47 = quadSums(i8x16.shr_u(q, 4), v128.load(yp, 20));
      const d = f64x2.splat(<f64>(halfToFloat(load<u16>(bp)) * halfToFloat(load<u16>(yp))));
      a01 = fmaLanes(a01, d, q03);
      a23 = fmaLanes(a23, d, v128.shuffle<i32>(q03, q03, 2, 3, 0, 1));
      a45 = fmaLanes(a45, d, q47);
      a67 = fmaLanes(a67, d, v128.shuffle<i32>(q47, q47, 2, 3, 0, 1));
      bp += 20;
      yp += 36;
    }
    store<f32>(out + (<usize>i << 2), hsum8(a01, a23, a45, a67) + summs);
  }
}

export function vecDotQ5_1(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 24;
  const mask = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let a01 = f64x2.splat(0);
    let a23 = a01;
    let a45 = a01;
    let a67 = a01;
    let summs: f32 = 0;
    for (let b = 0; b < nb; b++) {
      summs += halfToFloat(load<u16>(bp, 2)) * halfToFloat(load<u16>(yp, 2));
      const q = v128.load(bp, 8);
      const lo = v128.or(v128.and(q, mask), fifthBits(bp + 4, false));
      const hi = v128.or(i8x16.shr_u(q, 4), fifthBits(bp + 4, true));
      const q03 = quadSums(lo, v128.load(yp, 4));
      const q47 = quadSums(hi, v128.load(yp, 20));
      const d = f64x2.splat(<f64>(halfToFloat(load<u16>(bp)) * halfToFloat(load<u16>(yp))));
      a01 = fmaLanes(a01, d, q03);
      a23 = fmaLanes(a23, d, v128.shuffle<i32>(q03, q03, 2, 3, 0, 1));
      a45 = fmaLanes(a45, d, q47);
      a67 = fmaLanes(a67, d, v128.shuffle<i32>(q47, q47, 2, 3, 0, 1));
      bp += 24;
      yp += 36;
    }
    store<f32>(out + (<usize>i << 2), hsum8(a01, a23, a45, a67) + summs);
  }
}

export function vecDotQ2_K(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 84;
  const m3 = i8x16.splat(3);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let sumf: f32 = 0;
    for (let b = 0; b < nb; b++) {
      // Σ_j bsums[j]·m_j, the 4-bit mins in the scales' high nibbles
      const mins = i8x16.shr_u(v128.load(bp), 4);
      const msum = i32x4.add(
        i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(mins), v128.load(yp, 260)),
        i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(mins), v128.load(yp, 276))
      );
      // element 128h + 32k + 16half + l (sub-block j = 8h + 2k + half): bits 2k..2k+1 of qs[32h + 16half + l]
      let isum = i32x4.splat(0);
      for (let h = 0; h < 2; h++) {
        for (let half = 0; half < 2; half++) {
          const qv = v128.load(bp + 16 + (<usize>h << 5) + (<usize>half << 4));
          for (let k = 0; k < 4; k++) {
            const j = 8 * h + 2 * k + half;
            const codes = v128.and(i8x16.shr_u(qv, 2 * k), m3);
            const yq = v128.load(yp + 4 + <usize>(128 * h + 32 * k + 16 * half));
            isum = i32x4.add(isum, i32x4.mul(dotI8(codes, yq), i32x4.splat(<i32>load<u8>(bp + <usize>j) & 15)));
          }
        }
      }
      const yd = load<f32>(yp);
      const dall = yd * halfToFloat(load<u16>(bp, 80));
      const dmin = yd * halfToFloat(load<u16>(bp, 82));
      sumf += dall * <f32>hsumI(isum) - dmin * <f32>hsumI(msum);
      bp += 84;
      yp += 292;
    }
    store<f32>(out + (<usize>i << 2), sumf);
  }
}

/** 16 code·q8 products folded onto 8 i16 lanes: lane l = a[l]·b[l] + a[l+8]·b[l+8] (ggml's lane l mod 8). */
@inline function fold(a: v128, b: v128): v128 {
  return i16x8.add(i16x8.extmul_low_i8x16_s(a, b), i16x8.extmul_high_i8x16_s(a, b));
}

/** The end of a row: sumf plus the 8 float lanes, one after another (ggml: for l < 8: sumf += sums[l]). */
@inline function addLanes(sumf: f32, lo: v128, hi: v128): f32 {
  sumf += f32x4.extract_lane(lo, 0);
  sumf += f32x4.extract_lane(lo, 1);
  sumf += f32x4.extract_lane(lo, 2);
  sumf += f32x4.extract_lane(lo, 3);
  sumf += f32x4.extract_lane(hi, 0);
  sumf += f32x4.extract_lane(hi, 1);
  sumf += f32x4.extract_lane(hi, 2);
  return sumf + f32x4.extract_lane(hi, 3);
}

export function vecDotQ3_K(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 110;
  const m3 = i8x16.splat(3);
  const four = i8x16.splat(4);
  const zero = i8x16.splat(0);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let sumsLo = f32x4.splat(0);
    let sumsHi = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const sp = bp + 96;
      let auxLo = i32x4.splat(0);
      let auxHi = i32x4.splat(0);
      for (let half = 0; half < 2; half++) {
        const hm = v128.load(bp + (<usize>half << 4));
        for (let h = 0; h < 2; h++) {
          const qv = v128.load(bp + 32 + (<usize>h << 5) + (<usize>half << 4));
          for (let k = 0; k < 4; k++) {
            const bit: i32 = 1 << (4 * h + k);
            const clear = i8x16.eq(v128.and(hm, i8x16.splat(<i8>bit)), zero);
            const q = i8x16.sub(v128.and(i8x16.shr_u(qv, 2 * k), m3), v128.and(clear, four));
            const f = fold(q, v128.load(yp + 4 + <usize>(128 * h + 32 * k + 16 * half)));
            const s = i16x8.splat(<i16>scaleQ3(sp, 8 * h + 2 * k + half));
            auxLo = i32x4.add(auxLo, i32x4.extmul_low_i16x8_s(f, s));
            auxHi = i32x4.add(auxHi, i32x4.extmul_high_i16x8_s(f, s));
          }
        }
      }
      const d = f32x4.splat(halfToFloat(load<u16>(bp, 108)) * load<f32>(yp));
      sumsLo = f32x4.add(sumsLo, f32x4.mul(d, f32x4.convert_i32x4_s(auxLo)));
      sumsHi = f32x4.add(sumsHi, f32x4.mul(d, f32x4.convert_i32x4_s(auxHi)));
      bp += 110;
      yp += 292;
    }
    store<f32>(out + (<usize>i << 2), addLanes(0, sumsLo, sumsHi));
  }
}

/** Σ_j m_j·(bsums[2j] + bsums[2j+1]) over the 8 sub-blocks of 32 of a Q4_K / Q5_K super-block: ggml's integer sumi. */
@inline function minSumK4(sp: usize, bsums: usize): i32 {
  let s = 0;
  for (let j = 0; j < 8; j++) s += minK4(sp, j) * (<i32>load<i16>(bsums + (<usize>j << 2)) + <i32>load<i16>(bsums + (<usize>j << 2), 2));
  return s;
}

export function vecDotQ4_K(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 144;
  const m15 = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let sumf: f32 = 0;
    let sumsLo = f32x4.splat(0);
    let sumsHi = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const sp = bp + 4;
      let auxLo = i32x4.splat(0);
      let auxHi = i32x4.splat(0);
      for (let c = 0; c < 4; c++) {
        // byte 32c + l: element 64c + l (low nibble, sub-block 2c) and 64c + 32 + l (high, 2c + 1)
        const a = v128.load(bp + 16 + (<usize>c << 5));
        const e = v128.load(bp + 16 + (<usize>c << 5), 16);
        const yq = yp + 4 + (<usize>c << 6);
        const f0 = i16x8.add(fold(v128.and(a, m15), v128.load(yq)), fold(v128.and(e, m15), v128.load(yq, 16)));
        const f1 = i16x8.add(fold(i8x16.shr_u(a, 4), v128.load(yq, 32)), fold(i8x16.shr_u(e, 4), v128.load(yq, 48)));
        const s0 = i16x8.splat(<i16>scaleK4(sp, 2 * c));
        const s1 = i16x8.splat(<i16>scaleK4(sp, 2 * c + 1));
        auxLo = i32x4.add(auxLo, i32x4.add(i32x4.extmul_low_i16x8_s(f0, s0), i32x4.extmul_low_i16x8_s(f1, s1)));
        auxHi = i32x4.add(auxHi, i32x4.add(i32x4.extmul_high_i16x8_s(f0, s0), i32x4.extmul_high_i16x8_s(f1, s1)));
      }
      const yd = load<f32>(yp);
      const d = f32x4.splat(halfToFloat(load<u16>(bp)) * yd);
      sumsLo = f32x4.add(sumsLo, f32x4.mul(d, f32x4.convert_i32x4_s(auxLo)));
      sumsHi = f32x4.add(sumsHi, f32x4.mul(d, f32x4.convert_i32x4_s(auxHi)));
      sumf -= halfToFloat(load<u16>(bp, 2)) * yd * <f32>minSumK4(sp, yp + 260);
      bp += 144;
      yp += 292;
    }
    store<f32>(out + (<usize>i << 2), addLanes(sumf, sumsLo, sumsHi));
  }
}

export function vecDotQ5_K(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 176;
  const m15 = i8x16.splat(15);
  const one = i8x16.splat(1);
  const two = i8x16.splat(2);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let sumf: f32 = 0;
    let sumsLo = f32x4.splat(0);
    let sumsHi = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const sp = bp + 4;
      // qh[l]: bit 2c is the 5th bit of element 64c + l, bit 2c + 1 that of 64c + 32 + l; shifted down per chunk
      let h0 = v128.load(bp, 16);
      let h1 = v128.load(bp, 32);
      let auxLo = i32x4.splat(0);
      let auxHi = i32x4.splat(0);
      for (let c = 0; c < 4; c++) {
        const a = v128.load(bp + 48 + (<usize>c << 5));
        const e = v128.load(bp + 48 + (<usize>c << 5), 16);
        const yq = yp + 4 + (<usize>c << 6);
        const lo0 = v128.or(v128.and(a, m15), i8x16.shl(v128.and(h0, one), 4));
        const lo1 = v128.or(v128.and(e, m15), i8x16.shl(v128.and(h1, one), 4));
        const hi0 = v128.or(i8x16.shr_u(a, 4), i8x16.shl(v128.and(h0, two), 3));
        const hi1 = v128.or(i8x16.shr_u(e, 4), i8x16.shl(v128.and(h1, two), 3));
        const f0 = i16x8.add(fold(lo0, v128.load(yq)), fold(lo1, v128.load(yq, 16)));
        const f1 = i16x8.add(fold(hi0, v128.load(yq, 32)), fold(hi1, v128.load(yq, 48)));
        const s0 = i16x8.splat(<i16>scaleK4(sp, 2 * c));
        const s1 = i16x8.splat(<i16>scaleK4(sp, 2 * c + 1));
        auxLo = i32x4.add(auxLo, i32x4.add(i32x4.extmul_low_i16x8_s(f0, s0), i32x4.extmul_low_i16x8_s(f1, s1)));
        auxHi = i32x4.add(auxHi, i32x4.add(i32x4.extmul_high_i16x8_s(f0, s0), i32x4.extmul_high_i16x8_s(f1, s1)));
        h0 = i8x16.shr_u(h0, 2);
        h1 = i8x16.shr_u(h1, 2);
      }
      const yd = load<f32>(yp);
      const d = f32x4.splat(halfToFloat(load<u16>(bp)) * yd);
      sumsLo = f32x4.add(sumsLo, f32x4.mul(d, f32x4.convert_i32x4_s(auxLo)));
      sumsHi = f32x4.add(sumsHi, f32x4.mul(d, f32x4.convert_i32x4_s(auxHi)));
      sumf -= halfToFloat(load<u16>(bp, 2)) * yd * <f32>minSumK4(sp, yp + 260);
      bp += 176;
      yp += 292;
    }
    store<f32>(out + (<usize>i << 2), addLanes(sumf, sumsLo, sumsHi));
  }
}

export function vecDotQ6_K(r0: i32, r1: i32, out: usize, y: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 210;
  const m15 = i8x16.splat(15);
  const m3 = i8x16.splat(3);
  const m30 = i8x16.splat(0x30);
  const k32 = i8x16.splat(32);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let yp = y;
    let sumsLo = f32x4.splat(0);
    let sumsHi = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      let auxLo = i32x4.splat(0);
      let auxHi = i32x4.splat(0);
      for (let h = 0; h < 2; h++) {
        const ql = bp + (<usize>h << 6);
        const qh = bp + 128 + (<usize>h << 5);
        const sc = bp + 192 + (<usize>h << 3);
        for (let half = 0; half < 2; half++) {
          const o = <usize>half << 4;
          const a = v128.load(ql + o);
          const c = v128.load(ql + o, 32);
          const hb = v128.load(qh + o);
          // element 128h + 32k + 16half + l: a nibble of ql and bits 2k..2k+1 of qh, − 32; sub-block 8h + 2k + half
          const q0 = i8x16.sub(v128.or(v128.and(a, m15), i8x16.shl(v128.and(hb, m3), 4)), k32);
          const q1 = i8x16.sub(v128.or(v128.and(c, m15), v128.and(i8x16.shl(hb, 2), m30)), k32);
          const q2 = i8x16.sub(v128.or(i8x16.shr_u(a, 4), v128.and(hb, m30)), k32);
          const q3 = i8x16.sub(v128.or(i8x16.shr_u(c, 4), v128.and(i8x16.shr_u(hb, 2), m30)), k32);
          const yq = yp + 4 + (<usize>h << 7) + o;
          const f0 = fold(q0, v128.load(yq));
          const f1 = fold(q1, v128.load(yq, 32));
          const f2 = fold(q2, v128.load(yq, 64));
          const f3 = fold(q3, v128.load(yq, 96));
          const s0 = i16x8.splat(<i16>load<i8>(sc + (o >> 4)));
          const s1 = i16x8.splat(<i16>load<i8>(sc + (o >> 4), 2));
          const s2 = i16x8.splat(<i16>load<i8>(sc + (o >> 4), 4));
          const s3 = i16x8.splat(<i16>load<i8>(sc + (o >> 4), 6));
          auxLo = i32x4.add(auxLo, i32x4.add(i32x4.extmul_low_i16x8_s(f0, s0), i32x4.extmul_low_i16x8_s(f1, s1)));
          auxLo = i32x4.add(auxLo, i32x4.add(i32x4.extmul_low_i16x8_s(f2, s2), i32x4.extmul_low_i16x8_s(f3, s3)));
          auxHi = i32x4.add(auxHi, i32x4.add(i32x4.extmul_high_i16x8_s(f0, s0), i32x4.extmul_high_i16x8_s(f1, s1)));
          auxHi = i32x4.add(auxHi, i32x4.add(i32x4.extmul_high_i16x8_s(f2, s2), i32x4.extmul_high_i16x8_s(f3, s3)));
        }
      }
      const d = f32x4.splat(halfToFloat(load<u16>(bp, 208)) * load<f32>(yp));
      sumsLo = f32x4.add(sumsLo, f32x4.mul(d, f32x4.convert_i32x4_s(auxLo)));
      sumsHi = f32x4.add(sumsHi, f32x4.mul(d, f32x4.convert_i32x4_s(auxHi)));
      bp += 210;
      yp += 292;
    }
    store<f32>(out + (<usize>i << 2), addLanes(0, sumsLo, sumsHi));
  }
}

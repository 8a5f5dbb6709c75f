// Fused dequant-matmul for prefill: W (d, n) blocks @ X (tn, n) -> out (tn, d) for tn ≤ 4 token rows at once, rows
// [r0, r1) of W; x stays float32. Each weight block is read and its codes converted to floats once per tile and used
// for every token of it, with exactly the arithmetic of the matvec kernel (quant-matvec.as / kquant-matvec.as)
// per token, so a token's row equals matvecQ8_0 / matvecQ4_K's bit for bit; the JS side runs tiles of 4 tokens.
// n is the row length of x (its token stride): the whole blocks of it are n / 32 (n / 256), rounded down; a float32
// tail past them is added in JS.
import {halfToFloat, hsum} from "./common";
import {minK4, scaleK4} from "./kquant-matvec";

@inline function c0(q: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(q)));
}
@inline function c1(q: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(i16x8.extend_low_i8x16_s(q)));
}
@inline function c2(q: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_high_i8x16_s(q)));
}
@inline function c3(q: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(i16x8.extend_high_i8x16_s(q)));
}

/** dotI8x16F32 (common.as) on codes already converted to four f32x4: the same products and order. */
@inline function dot16(w0: v128, w1: v128, w2: v128, w3: v128, xp: usize): v128 {
  let s = f32x4.mul(w0, v128.load(xp));
  s = f32x4.add(s, f32x4.mul(w1, v128.load(xp, 16)));
  s = f32x4.add(s, f32x4.mul(w2, v128.load(xp, 32)));
  return f32x4.add(s, f32x4.mul(w3, v128.load(xp, 48)));
}

export function matmulQ8_0(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, tn: i32, d: i32): void {
  const nb = n >> 5;
  const rowBytes = <usize>nb * 34;
  const xs = <usize>n << 2;
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    for (let b = 0; b < nb; b++) {
      const lo = v128.load(bp, 2);
      const hi = v128.load(bp, 18);
      const l0 = c0(lo), l1 = c1(lo), l2 = c2(lo), l3 = c3(lo);
      const h0 = c0(hi), h1 = c1(hi), h2 = c2(hi), h3 = c3(hi);
      const dd = f32x4.splat(halfToFloat(load<u16>(bp)));
      a0 = f32x4.add(a0, f32x4.mul(f32x4.add(dot16(l0, l1, l2, l3, xp), dot16(h0, h1, h2, h3, xp + 64)), dd));
      if (tn > 1) a1 = f32x4.add(a1, f32x4.mul(f32x4.add(dot16(l0, l1, l2, l3, xp + xs), dot16(h0, h1, h2, h3, xp + xs + 64)), dd));
      if (tn > 2) a2 = f32x4.add(a2, f32x4.mul(f32x4.add(dot16(l0, l1, l2, l3, xp + 2 * xs), dot16(h0, h1, h2, h3, xp + 2 * xs + 64)), dd));
      if (tn > 3) a3 = f32x4.add(a3, f32x4.mul(f32x4.add(dot16(l0, l1, l2, l3, xp + 3 * xs), dot16(h0, h1, h2, h3, xp + 3 * xs + 64)), dd));
      bp += 34;
      xp += 128;
    }
    const o = out + (<usize>i << 2);
    const os = <usize>d << 2;
    store<f32>(o, hsum(a0));
    if (tn > 1) store<f32>(o + os, hsum(a1));
    if (tn > 2) store<f32>(o + 2 * os, hsum(a2));
    if (tn > 3) store<f32>(o + 3 * os, hsum(a3));
  }
}

/** One chunk of 64 values of a Q4_K super-block for one token: blk + the chunk's two sub-blocks, as matvecQ4_K. */
@inline function chunkQ4K(
  blk: v128,
  la0: v128, la1: v128, la2: v128, la3: v128,
  le0: v128, le1: v128, le2: v128, le3: v128,
  ha0: v128, ha1: v128, ha2: v128, ha3: v128,
  he0: v128, he1: v128, he2: v128, he3: v128,
  xc: usize, s0: v128, s1: v128
): v128 {
  blk = f32x4.add(blk, f32x4.mul(dot16(la0, la1, la2, la3, xc), s0));
  blk = f32x4.add(blk, f32x4.mul(dot16(le0, le1, le2, le3, xc + 64), s0));
  blk = f32x4.add(blk, f32x4.mul(dot16(ha0, ha1, ha2, ha3, xc + 128), s1));
  return f32x4.add(blk, f32x4.mul(dot16(he0, he1, he2, he3, xc + 192), s1));
}

/** Σ_j m_j·Σx_j of one super-block (minTermK4 of kquant-matvec.as). */
@inline function minTerm(sp: usize, xs: usize): f32 {
  let s: f32 = 0;
  for (let j = 0; j < 8; j++) s += <f32>minK4(sp, j) * load<f32>(xs + (<usize>j << 2));
  return s;
}

/** xsum: the block sums of each token row (blockSums, n/32 floats per token, tokens one after another). */
export function matmulQ4_K(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, tn: i32, d: i32, xsum: usize): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 144;
  const xs = <usize>n << 2;
  const ss = <usize>nb << 5; // bytes of one token's block sums: 8 floats per super-block
  const m15 = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let m0: f32 = 0;
    let m1: f32 = 0;
    let m2: f32 = 0;
    let m3: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const sp = bp + 4;
      let b0 = f32x4.splat(0);
      let b1 = b0;
      let b2 = b0;
      let b3 = b0;
      // each chunk's 64 codes are converted to floats once and used by every token of the tile
      for (let c = 0; c < 4; c++) {
        const qp = bp + 16 + (<usize>c << 5);
        const a = v128.load(qp);
        const e = v128.load(qp, 16);
        const la = v128.and(a, m15);
        const le = v128.and(e, m15);
        const ha = i8x16.shr_u(a, 4);
        const he = i8x16.shr_u(e, 4);
        const la0 = c0(la), la1 = c1(la), la2 = c2(la), la3 = c3(la);
        const le0 = c0(le), le1 = c1(le), le2 = c2(le), le3 = c3(le);
        const ha0 = c0(ha), ha1 = c1(ha), ha2 = c2(ha), ha3 = c3(ha);
        const he0 = c0(he), he1 = c1(he), he2 = c2(he), he3 = c3(he);
        const s0 = f32x4.splat(<f32>scaleK4(sp, 2 * c));
        const s1 = f32x4.splat(<f32>scaleK4(sp, 2 * c + 1));
        const xc = xp + (<usize>c << 8);
        b0 = chunkQ4K(b0, la0, la1, la2, la3, le0, le1, le2, le3, ha0, ha1, ha2, ha3, he0, he1, he2, he3, xc, s0, s1);
        if (tn > 1) b1 = chunkQ4K(b1, la0, la1, la2, la3, le0, le1, le2, le3, ha0, ha1, ha2, ha3, he0, he1, he2, he3, xc + xs, s0, s1);
        if (tn > 2) b2 = chunkQ4K(b2, la0, la1, la2, la3, le0, le1, le2, le3, ha0, ha1, ha2, ha3, he0, he1, he2, he3, xc + 2 * xs, s0, s1);
        if (tn > 3) b3 = chunkQ4K(b3, la0, la1, la2, la3, le0, le1, le2, le3, ha0, ha1, ha2, ha3, he0, he1, he2, he3, xc + 3 * xs, s0, s1);
      }
      const dd = f32x4.splat(halfToFloat(load<u16>(bp)));
      const dmin = halfToFloat(load<u16>(bp, 2));
      const sb = xsum + (<usize>b << 5);
      a0 = f32x4.add(a0, f32x4.mul(b0, dd));
      m0 += dmin * minTerm(sp, sb);
      if (tn > 1) {
        a1 = f32x4.add(a1, f32x4.mul(b1, dd));
        m1 += dmin * minTerm(sp, sb + ss);
      }
      if (tn > 2) {
        a2 = f32x4.add(a2, f32x4.mul(b2, dd));
        m2 += dmin * minTerm(sp, sb + 2 * ss);
      }
      if (tn > 3) {
        a3 = f32x4.add(a3, f32x4.mul(b3, dd));
        m3 += dmin * minTerm(sp, sb + 3 * ss);
      }
      bp += 144;
      xp += 1024;
    }
    const o = out + (<usize>i << 2);
    const os = <usize>d << 2;
    store<f32>(o, hsum(a0) - m0);
    if (tn > 1) store<f32>(o + os, hsum(a1) - m1);
    if (tn > 2) store<f32>(o + 2 * os, hsum(a2) - m2);
    if (tn > 3) store<f32>(o + 3 * os, hsum(a3) - m3);
  }
}

// Fused dequant-matvec over ggml's K-quant super-blocks of 256: W (d,n) @ x (n,) -> out (d,), rows [r0, r1); x f32.
// Byte layouts exactly as src/formats/q{2,3,4,5,6}_k.ts. Codes are unpacked 16 at a time into int8 lanes (in
// registers) and dotted with x in f32; each sub-block's dot is scaled by its integer scale, the super-block's by d.
// The asymmetric formats (Q2_K, Q4_K, Q5_K) subtract dmin·m_j·Σx_j, with Σx per sub-block computed once per matvec
// into xsum (blockSums16 for Q2_K's sub-blocks of 16, blockSums for the 32 of Q4_K / Q5_K).
import {dotI8x16F32, halfToFloat, hsum} from "./common";

/** Σx over each 16 values: xsum[g] = Σ_{j<16} x[16g + j], g < n/16. */
export function blockSums16(xsum: usize, x: usize, n: i32): void {
  const ng = n >> 4;
  for (let g = 0; g < ng; g++) {
    const xp = x + (<usize>g << 6);
    const s = f32x4.add(f32x4.add(v128.load(xp), v128.load(xp, 16)), f32x4.add(v128.load(xp, 32), v128.load(xp, 48)));
    store<f32>(xsum + (<usize>g << 2), hsum(s));
  }
}

/** acc + dot(q, x)·sc: one sub-block's 16 lanes scaled by its integer scale. */
@inline function scaled(acc: v128, q: v128, xp: usize, sc: i32): v128 {
  return f32x4.add(acc, f32x4.mul(dotI8x16F32(q, xp), f32x4.splat(<f32>sc)));
}

export function matvecQ6_K(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 210;
  const m15 = i8x16.splat(15);
  const m3 = i8x16.splat(3);
  const m30 = i8x16.splat(0x30);
  const k32 = i8x16.splat(32);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      let blk = f32x4.splat(0);
      for (let h = 0; h < 2; h++) {
        const ql = bp + (<usize>h << 6);
        const qh = bp + 128 + (<usize>h << 5);
        const sc = bp + 192 + (<usize>h << 3);
        for (let half = 0; half < 2; half++) {
          const o = <usize>half << 4;
          const a = v128.load(ql + o);
          const c = v128.load(ql + o, 32);
          const hb = v128.load(qh + o);
          // element 128h + 32k + l: a nibble of ql (k even: a, odd: c; low for k < 2) and bits 2k..2k+1 of qh, − 32
          const q0 = i8x16.sub(v128.or(v128.and(a, m15), i8x16.shl(v128.and(hb, m3), 4)), k32);
          const q1 = i8x16.sub(v128.or(v128.and(c, m15), v128.and(i8x16.shl(hb, 2), m30)), k32);
          const q2 = i8x16.sub(v128.or(i8x16.shr_u(a, 4), v128.and(hb, m30)), k32);
          const q3 = i8x16.sub(v128.or(i8x16.shr_u(c, 4), v128.and(i8x16.shr_u(hb, 2), m30)), k32);
          const xo = xp + (<usize>h << 9) + (o << 2);
          blk = scaled(blk, q0, xo, load<i8>(sc + o / 16));
          blk = scaled(blk, q1, xo + 128, load<i8>(sc + o / 16, 2));
          blk = scaled(blk, q2, xo + 256, load<i8>(sc + o / 16, 4));
          blk = scaled(blk, q3, xo + 384, load<i8>(sc + o / 16, 6));
        }
      }
      acc = f32x4.add(acc, f32x4.mul(blk, f32x4.splat(halfToFloat(load<u16>(bp, 208)))));
      bp += 210;
      xp += 1024;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

/** get_scale_min_k4: the 6-bit scale of sub-block j from the scales[12] at sp. */
@inline export function scaleK4(sp: usize, j: i32): i32 {
  const u = <usize>j;
  return j < 4 ? load<u8>(sp + u) & 63 : (load<u8>(sp + u + 4) & 15) | ((load<u8>(sp + u - 4) >> 6) << 4);
}

/** get_scale_min_k4: the 6-bit min of sub-block j from the scales[12] at sp. */
@inline export function minK4(sp: usize, j: i32): i32 {
  const u = <usize>j;
  return j < 4 ? load<u8>(sp + u + 4) & 63 : (load<u8>(sp + u + 4) >> 4) | ((load<u8>(sp + u) >> 6) << 4);
}

/** Σ_j m_j·Σx_j over the 8 sub-blocks of 32 of one Q4_K / Q5_K super-block (xs: its 8 block sums). */
@inline function minTermK4(sp: usize, xs: usize): f32 {
  let s: f32 = 0;
  for (let j = 0; j < 8; j++) s += <f32>minK4(sp, j) * load<f32>(xs + (<usize>j << 2));
  return s;
}

export function matvecQ4_K(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, xsum: usize): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 144;
  const m15 = i8x16.splat(15);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    let accM: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const sp = bp + 4;
      let blk = f32x4.splat(0);
      for (let c = 0; c < 4; c++) {
        // chunk c: byte 32c + l holds element 64c + l (low nibble, sub-block 2c) and 64c + 32 + l (high, 2c + 1)
        const qp = bp + 16 + (<usize>c << 5);
        const xc = xp + (<usize>c << 8);
        const a = v128.load(qp);
        const e = v128.load(qp, 16);
        const s0 = scaleK4(sp, 2 * c);
        const s1 = scaleK4(sp, 2 * c + 1);
        blk = scaled(scaled(blk, v128.and(a, m15), xc, s0), v128.and(e, m15), xc + 64, s0);
        blk = scaled(scaled(blk, i8x16.shr_u(a, 4), xc + 128, s1), i8x16.shr_u(e, 4), xc + 192, s1);
      }
      acc = f32x4.add(acc, f32x4.mul(blk, f32x4.splat(halfToFloat(load<u16>(bp)))));
      accM += halfToFloat(load<u16>(bp, 2)) * minTermK4(sp, xsum + (<usize>b << 5));
      bp += 144;
      xp += 1024;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc) - accM);
  }
}

export function matvecQ5_K(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, xsum: usize): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 176;
  const m15 = i8x16.splat(15);
  const one = i8x16.splat(1);
  const two = i8x16.splat(2);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    let accM: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const sp = bp + 4;
      // qh[l]: bit 2c is the 5th bit of element 64c + l, bit 2c + 1 that of 64c + 32 + l; shifted down per chunk
      let h0 = v128.load(bp, 16);
      let h1 = v128.load(bp, 32);
      let blk = f32x4.splat(0);
      for (let c = 0; c < 4; c++) {
        const qp = bp + 48 + (<usize>c << 5);
        const xc = xp + (<usize>c << 8);
        const a = v128.load(qp);
        const e = v128.load(qp, 16);
        const s0 = scaleK4(sp, 2 * c);
        const s1 = scaleK4(sp, 2 * c + 1);
        const lo0 = v128.or(v128.and(a, m15), i8x16.shl(v128.and(h0, one), 4));
        const lo1 = v128.or(v128.and(e, m15), i8x16.shl(v128.and(h1, one), 4));
        const hi0 = v128.or(i8x16.shr_u(a, 4), i8x16.shl(v128.and(h0, two), 3));
        const hi1 = v128.or(i8x16.shr_u(e, 4), i8x16.shl(v128.and(h1, two), 3));
        blk = scaled(scaled(blk, lo0, xc, s0), lo1, xc + 64, s0);
        blk = scaled(scaled(blk, hi0, xc + 128, s1), hi1, xc + 192, s1);
        h0 = i8x16.shr_u(h0, 2);
        h1 = i8x16.shr_u(h1, 2);
      }
      acc = f32x4.add(acc, f32x4.mul(blk, f32x4.splat(halfToFloat(load<u16>(bp)))));
      accM += halfToFloat(load<u16>(bp, 2)) * minTermK4(sp, xsum + (<usize>b << 5));
      bp += 176;
      xp += 1024;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc) - accM);
  }
}

/** Q3_K's signed 6-bit scale j (s − 32) from the scales[12] at sp. */
@inline export function scaleQ3(sp: usize, j: i32): i32 {
  const u = <usize>j;
  const low = j < 8 ? <i32>load<u8>(sp + u) & 15 : <i32>load<u8>(sp + u - 8) >> 4;
  return (<i32>low | (((<i32>load<u8>(sp + 8 + (u & 3)) >> (2 * (j >> 2))) & 3) << 4)) - 32;
}

export function matvecQ3_K(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 110;
  const m3 = i8x16.splat(3);
  const four = i8x16.splat(4);
  const zero = i8x16.splat(0);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const sp = bp + 96;
      let blk = f32x4.splat(0);
      // element 128h + 32k + l (sub-block 8h + 2k + l/16): bits 2k..2k+1 of qs[32h + l], minus 4 unless bit 4h + k
      // of hmask[l] is set
      for (let half = 0; half < 2; half++) {
        const hm = v128.load(bp + (<usize>half << 4));
        for (let h = 0; h < 2; h++) {
          const qv = v128.load(bp + 32 + (<usize>h << 5) + (<usize>half << 4));
          for (let k = 0; k < 4; k++) {
            const low = v128.and(i8x16.shr_u(qv, 2 * k), m3);
            const bit: i32 = 1 << (4 * h + k);
            const clear = i8x16.eq(v128.and(hm, i8x16.splat(<i8>bit)), zero);
            const q = i8x16.sub(low, v128.and(clear, four));
            const xo = xp + (<usize>(128 * h + 32 * k + 16 * half) << 2);
            blk = scaled(blk, q, xo, scaleQ3(sp, 8 * h + 2 * k + half));
          }
        }
      }
      acc = f32x4.add(acc, f32x4.mul(blk, f32x4.splat(halfToFloat(load<u16>(bp, 108)))));
      bp += 110;
      xp += 1024;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc));
  }
}

export function matvecQ2_K(r0: i32, r1: i32, out: usize, x: usize, w: usize, n: i32, xsum: usize): void {
  const nb = n >> 8;
  const rowBytes = <usize>nb * 84;
  const m3 = i8x16.splat(3);
  for (let i = r0; i < r1; i++) {
    let bp = w + <usize>i * rowBytes;
    let xp = x;
    let acc = f32x4.splat(0);
    let accM: f32 = 0;
    for (let b = 0; b < nb; b++) {
      const xs = xsum + (<usize>b << 6);
      let blk = f32x4.splat(0);
      let mins: f32 = 0;
      // element 128h + 32k + l (sub-block j = 8h + 2k + l/16): bits 2k..2k+1 of qs[32h + l]; scales[j] = sc | m << 4
      for (let h = 0; h < 2; h++) {
        for (let half = 0; half < 2; half++) {
          const qv = v128.load(bp + 16 + (<usize>h << 5) + (<usize>half << 4));
          for (let k = 0; k < 4; k++) {
            const j = 8 * h + 2 * k + half;
            const s = <i32>load<u8>(bp + <usize>j);
            const xo = xp + (<usize>(128 * h + 32 * k + 16 * half) << 2);
            blk = scaled(blk, v128.and(i8x16.shr_u(qv, 2 * k), m3), xo, s & 15);
            mins += <f32>(s >> 4) * load<f32>(xs + (<usize>j << 2));
          }
        }
      }
      acc = f32x4.add(acc, f32x4.mul(blk, f32x4.splat(halfToFloat(load<u16>(bp, 80)))));
      accM += halfToFloat(load<u16>(bp, 82)) * mins;
      bp += 84;
      xp += 1024;
    }
    store<f32>(out + (<usize>i << 2), hsum(acc) - accM);
  }
}

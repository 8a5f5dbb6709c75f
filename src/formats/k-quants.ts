// Helpers shared by ggml's K-quants (Q2_K … Q6_K, super-blocks of QK_K = 256 values) and IQ4_NL, ported from
// ggml-quants.c at llama.cpp c392e5094: nearest_int, the three scale searches (make_qx_quants, make_q3_quants,
// make_qkx2_quants) and the 6-bit scale/min packing of Q4_K / Q5_K (get_scale_min_k4).
// Bit-exactness: ggml-quants.c is built without FMA contraction, so every float operation is one IEEE float32
// operation; each one here is wrapped in Math.fround (a double result of +, −, ·, /, sqrt of two float32 values,
// rounded once to float32, is the float32 result), and sums are accumulated in C's sequential order.
// Importance weights: make_qx_quants and make_qkx2_quants take their per-value weights from the caller (the reference
// quantizers derive them from x), so the importance-matrix variants (importance.ts) pass other weights into the same
// searches.
import type {Codec, SubBlockScales} from "./codec.ts";
import {writeF16} from "./fp16.ts";

const fr = Math.fround;

/** values per super-block */
export const QK_K = 256;

/** ggml GROUP_MAX_EPS (1e-15f): a group whose max |x| is below it counts as all zero */
export const GROUP_MAX_EPS = fr(1e-15);

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * ggml nearest_int: adds 1.5·2^23 in float32 and reads the low mantissa bits, i.e. round half to even for
 * |v| ≤ 4194303 (and ggml's own wrapped result beyond, kept for bit-exactness).
 */
export function nearestInt(v: number): number {
  f32[0] = v + 12582912;
  return (i32[0]! & 0x007fffff) - 0x00400000;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** The value of largest |x| in x[xo..xo+n), sign kept, first one on ties (0 when all are 0). */
export function signedMax(x: Float32Array, xo: number, n: number): number {
  let amax = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    const a = Math.abs(v);
    if (a > amax) {
      amax = a;
      max = v;
    }
  }
  return max;
}

/**
 * make_qx_quants with rmse_type 1 (the only one the K-quants use): symmetric codes L ∈ [0, 2·nmax) (stored +nmax) for
 * x[xo..xo+n), weights w[wo..] (x² for the reference quantizer), trying iscale = −(nmax + 0.1·is)/max for is = −9..9
 * and keeping the one maximising (Σw·x·l)²/Σw·l². Returns the scale Σw·x·l / Σw·l² (0 for an all-zero group).
 */
export function makeQxQuants(
  n: number,
  nmax: number,
  x: Float32Array,
  xo: number,
  L: Uint8Array,
  lo: number,
  w: Float32Array,
  wo: number
): number {
  const max = signedMax(x, xo, n);
  if (Math.abs(max) < GROUP_MAX_EPS) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  let iscale = fr(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = clamp(nearestInt(fr(iscale * xi)), -nmax, nmax - 1);
    L[lo + i] = l + nmax;
    const wi = w[wo + i]!;
    sumlx = fr(sumlx + fr(fr(wi * xi) * l));
    suml2 = fr(suml2 + fr(fr(wi * l) * l));
  }
  let scale = suml2 ? fr(sumlx / suml2) : 0;
  let best = fr(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = fr(-fr(nmax + fr(fr(0.1) * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = clamp(nearestInt(fr(iscale * xi)), -nmax, nmax - 1);
      const wi = w[wo + i]!;
      sumlx = fr(sumlx + fr(fr(wi * xi) * l));
      suml2 = fr(suml2 + fr(fr(wi * l) * l));
    }
    if (suml2 > 0 && fr(sumlx * sumlx) > fr(best * suml2)) {
      for (let i = 0; i < n; i++) L[lo + i] = nmax + clamp(nearestInt(fr(iscale * x[xo + i]!)), -nmax, nmax - 1);
      scale = fr(sumlx / suml2);
      best = fr(scale * sumlx);
    }
  }
  return scale;
}

/**
 * make_q3_quants with do_rmse (Q3_K): codes from iscale = −nmax/max, then up to 5 passes that move single codes
 * while the weighted fit (weights x²) improves. L[lo..lo+n) gets the codes + nmax; returns the scale (0 if all zero).
 */
export function makeQ3Quants(n: number, nmax: number, x: Float32Array, xo: number, L: Uint8Array, lo: number): number {
  const max = signedMax(x, xo, n);
  if (Math.abs(max) < GROUP_MAX_EPS) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  const iscale = fr(-nmax / max);
  // signed codes while searching; L is a byte array, so they are kept here and offset at the end
  const l = q3Codes;
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    l[i] = clamp(nearestInt(fr(iscale * xi)), -nmax, nmax - 1);
    const w = fr(xi * xi);
    sumlx = fr(sumlx + fr(fr(w * xi) * l[i]!));
    suml2 = fr(suml2 + fr(fr(w * l[i]!) * l[i]!));
  }
  for (let itry = 0; itry < 5; itry++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const w = fr(xi * xi);
      let slx = fr(sumlx - fr(fr(w * xi) * l[i]!));
      if (slx > 0) {
        let sl2 = fr(suml2 - fr(fr(w * l[i]!) * l[i]!));
        const nl = clamp(nearestInt(fr(fr(xi * sl2) / slx)), -nmax, nmax - 1);
        if (nl !== l[i]) {
          slx = fr(slx + fr(fr(w * xi) * nl));
          sl2 = fr(sl2 + fr(fr(w * nl) * nl));
          if (sl2 > 0 && fr(fr(slx * slx) * suml2) > fr(fr(sumlx * sumlx) * sl2)) {
            l[i] = nl;
            sumlx = slx;
            suml2 = sl2;
            changed++;
          }
        }
      }
    }
    if (!changed) break;
  }
  for (let i = 0; i < n; i++) L[lo + i] = l[i]! + nmax;
  return fr(sumlx / suml2);
}
const q3Codes = new Int32Array(16);

/** Scale and min of one make_qkx2_quants group; min is ggml's `the_min` (the negated offset, ≥ 0). */
export interface ScaleMin {
  scale: number;
  min: number;
}

/**
 * make_qkx2_quants: asymmetric codes L ∈ [0, nmax] for x[xo..xo+n) with weights w[0..n), x ≈ scale·l − min. Starts
 * from the min/max grid, then tries iscale = (rmin + rdelta·is + nmax)/(max − min) for is = 0..nstep, fitting scale and
 * offset by weighted least squares and keeping the lowest weighted error (|·| if useMad, else squared). As in ggml,
 * a better candidate replaces the offset at once, and later candidates are built from it.
 */
export function makeQkx2Quants(
  out: ScaleMin,
  n: number,
  nmax: number,
  x: Float32Array,
  xo: number,
  w: Float32Array,
  L: Uint8Array,
  lo: number,
  rmin: number,
  rdelta: number,
  nstep: number,
  useMad: boolean
): void {
  let min = x[xo]!;
  let max = x[xo]!;
  let sumW = w[0]!;
  let sumX = fr(sumW * x[xo]!);
  for (let i = 1; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    sumW = fr(sumW + w[i]!);
    sumX = fr(sumX + fr(w[i]! * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lo, lo + n);
    out.scale = 0;
    out.min = -min;
    return;
  }
  let iscale = fr(nmax / fr(max - min));
  let scale = fr(1 / iscale);
  let bestMad = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = clamp(nearestInt(fr(iscale * fr(xi - min))), 0, nmax);
    L[lo + i] = l;
    const diff = fr(fr(fr(scale * l) + min) - xi);
    bestMad = fr(bestMad + fr(w[i]! * (useMad ? Math.abs(diff) : fr(diff * diff))));
  }
  const aux = qkx2Aux;
  for (let is = 0; is <= nstep; is++) {
    iscale = fr(fr(fr(rmin + fr(rdelta * is)) + nmax) / fr(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = clamp(nearestInt(fr(iscale * fr(xi - min))), 0, nmax);
      aux[i] = l;
      const wl = fr(w[i]! * l);
      sumL = fr(sumL + wl);
      sumL2 = fr(sumL2 + fr(wl * l));
      sumXL = fr(sumXL + fr(wl * xi));
    }
    const D = fr(fr(sumW * sumL2) - fr(sumL * sumL));
    if (D > 0) {
      let thisScale = fr(fr(fr(sumW * sumXL) - fr(sumX * sumL)) / D);
      let thisMin = fr(fr(fr(sumL2 * sumX) - fr(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = fr(sumXL / sumL2);
      }
      let mad = 0;
      for (let i = 0; i < n; i++) {
        const diff = fr(fr(fr(thisScale * aux[i]!) + thisMin) - x[xo + i]!);
        mad = fr(mad + fr(w[i]! * (useMad ? Math.abs(diff) : fr(diff * diff))));
      }
      if (mad < bestMad) {
        for (let i = 0; i < n; i++) L[lo + i] = aux[i]!;
        bestMad = mad;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  out.scale = scale;
  out.min = -min;
}
const qkx2Aux = new Uint8Array(32);

/**
 * Q4_K / Q5_K scales[12]: 8 six-bit scales ls and 8 six-bit mins lm. j < 4: byte j = ls, byte j+4 = lm (low 6 bits);
 * j ≥ 4: byte j+4 = ls & 0xF | (lm & 0xF) << 4, and the top 2 bits of ls / lm go into bits 6-7 of bytes j−4 / j.
 */
export function packScaleMinK4(out: Uint8Array, o: number, ls: Uint8Array, lm: Uint8Array): void {
  for (let j = 0; j < 4; j++) {
    out[o + j] = ls[j]!;
    out[o + j + 4] = lm[j]!;
  }
  for (let j = 4; j < 8; j++) {
    out[o + j + 4] = (ls[j]! & 0xf) | ((lm[j]! & 0xf) << 4);
    out[o + j - 4]! |= (ls[j]! >> 4) << 6;
    out[o + j]! |= (lm[j]! >> 4) << 6;
  }
}

/**
 * Q2_K's quants, and Q3_K's low two bits: 256 values of 0..3 (L) packed four to a byte, ggml's order. Byte 32h + l
 * holds values 128h + l, +32, +64, +96 in bits 0-1, 2-3, 4-5, 6-7.
 */
export function packTwoBitQuants(out: Uint8Array, o: number, L: Uint8Array): void {
  for (let h = 0; h < 2; h++) {
    for (let l = 0; l < 32; l++) {
      const e = 128 * h + l;
      out[o + 32 * h + l] = L[e]! | (L[e + 32]! << 2) | (L[e + 64]! << 4) | (L[e + 96]! << 6);
    }
  }
}

/** get_scale_min_k4: the 6-bit scale of sub-block j of the scales[12] at src[o..]. */
export function scaleK4(src: Uint8Array, o: number, j: number): number {
  return j < 4 ? src[o + j]! & 63 : (src[o + j + 4]! & 0xf) | ((src[o + j - 4]! >> 6) << 4);
}

/** get_scale_min_k4: the 6-bit min of sub-block j of the scales[12] at src[o..]. */
export function minK4(src: Uint8Array, o: number, j: number): number {
  return j < 4 ? src[o + j + 4]! & 63 : (src[o + j + 4]! >> 4) | ((src[o + j]! >> 6) << 4);
}

/**
 * Q4_K and Q5_K's shared quantizer (quantize_row_q{4,5}_K_ref) for one super-block of x[xo..xo+256): per sub-block of
 * 32, weights √(Σx²/32) + |x| and make_qkx2_quants; 6-bit scales and mins relative to d = max scale/63 and
 * dmin = max min/63 (fp16, written at out[o], out[o+2], scales[12] at out[o+4]); then the codes L (0..nmax) again
 * from the stored values: l = nearest_int((x + dmin·m)/(d·sc)).
 */
export function quantizeSuperBlockK4(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  L: Uint8Array,
  nmax: number,
  rmin: number,
  nstep: number
): void {
  const w = k4Weights;
  const scales = k4Scales;
  const mins = k4Mins;
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 8; j++) {
    const s = xo + 32 * j;
    let sumX2 = 0;
    for (let l = 0; l < 32; l++) sumX2 = fr(sumX2 + fr(x[s + l]! * x[s + l]!));
    const avX = fr(Math.sqrt(fr(sumX2 / 32)));
    for (let l = 0; l < 32; l++) w[l] = fr(avX + Math.abs(x[s + l]!));
    makeQkx2Quants(k4Result, 32, nmax, x, s, w, L, 32 * j, rmin, fr(0.1), nstep, false);
    scales[j] = k4Result.scale;
    mins[j] = k4Result.min;
    if (scales[j]! > maxScale) maxScale = scales[j]!;
    if (mins[j]! > maxMin) maxMin = mins[j]!;
  }
  const invScale = maxScale > 0 ? fr(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? fr(63 / maxMin) : 0;
  for (let j = 0; j < 8; j++) {
    k4Ls[j] = Math.min(63, nearestInt(fr(invScale * scales[j]!)) & 0xff);
    k4Lm[j] = Math.min(63, nearestInt(fr(invMin * mins[j]!)) & 0xff);
  }
  storeSuperBlockK4(out, o, x, xo, L, nmax, k4Ls, k4Lm, fr(maxScale / 63), fr(maxMin / 63));
}

/**
 * The end of every Q4_K / Q5_K quantizer, weighted or not: the 6-bit scales ls and mins lm packed at out[o+4], the
 * super-block scales d and dmin written as fp16 at out[o], out[o+2], then the codes L (0..nmax) chosen again from the
 * stored values, l = nearest_int((x + dmin·m)/(d·sc)); a sub-block whose stored scale is 0 keeps the codes it has.
 */
export function storeSuperBlockK4(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  L: Uint8Array,
  nmax: number,
  ls: Uint8Array,
  lm: Uint8Array,
  dBlock: number,
  mBlock: number
): void {
  packScaleMinK4(out, o + 4, ls, lm);
  // ggml reads the stored fp16 values back before choosing the final codes
  const d = writeF16(out, o, dBlock);
  const dmin = writeF16(out, o + 2, mBlock);
  for (let j = 0; j < 8; j++) {
    const dl = fr(d * scaleK4(out, o + 4, j));
    if (!dl) continue;
    const dm = fr(dmin * minK4(out, o + 4, j));
    for (let i = 0; i < 32; i++) L[32 * j + i] = clamp(nearestInt(fr(fr(x[xo + 32 * j + i]! + dm) / dl)), 0, nmax);
  }
}
const k4Weights = new Float32Array(32);
const k4Scales = new Float32Array(8);
const k4Mins = new Float32Array(8);
const k4Ls = new Uint8Array(8);
const k4Lm = new Uint8Array(8);
const k4Result: ScaleMin = {scale: 0, min: 0};

/**
 * The Codec.dot of a super-block format: each super-block dequantized into a scratch buffer, then Σ ŵ·x (the fast
 * fused kernels are another issue).
 */
export function dotByDequant(
  dequantize: Codec["dequantize"],
  blockBytes: number,
  src: Uint8Array,
  so: number,
  x: Float32Array,
  xo: number,
  nBlocks: number
): number {
  let sum = 0;
  for (let b = 0; b < nBlocks; b++, so += blockBytes, xo += QK_K) {
    dequantize(dotScratch, 0, src, so, 1);
    let s = 0;
    for (let j = 0; j < QK_K; j++) s += dotScratch[j]! * x[xo + j]!;
    sum += s;
  }
  return sum;
}
const dotScratch = new Float32Array(QK_K);

/** SubBlockScales from per-sub-block readers of one super-block's bytes (the K-quant files' `subBlocks.read`). */
export function subBlockScales(
  count: number,
  d: number,
  dmin: number,
  scale: (j: number) => number,
  min: (j: number) => number,
  bits: {scaleBits: number; signed: boolean; qmin: number; qmax: number}
): SubBlockScales {
  return {
    d,
    dmin,
    scales: Int32Array.from({length: count}, (_, j) => scale(j)),
    mins: Int32Array.from({length: count}, (_, j) => min(j)),
    ...bits
  };
}

/**
 * (qmax − qmin + 1,) the levels of sub-block j, in code order, computed as the dequantizers do: dl = fp32(d·sc),
 * ml = fp32(dmin·m), level = fp32(fp32(dl·q) − ml).
 */
export function subBlockLevels(s: SubBlockScales, j: number): Float32Array {
  const dl = fr(s.d * s.scales[j]!);
  const ml = fr(s.dmin * s.mins[j]!);
  return Float32Array.from({length: s.qmax - s.qmin + 1}, (_, i) => fr(fr(dl * (s.qmin + i)) - ml));
}

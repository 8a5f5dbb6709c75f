// What ggml's quantizers do differently when given an importance matrix (`quant_weights`, one value per column, from
// llama-imatrix): ggml-quants.c at llama.cpp c392e5094, quantize_<type> → quantize_row_<type>_impl. Each format file
// holds its own weighted quantizer (Codec.quantizeWeighted); this file holds what they share:
// - the per-value weights qw[j]·√(σ² + x[j]²), with σ² a mean square of x over the super-block, block or row,
// - make_qp_quants, the weighted search for the positive sub-block scales and mins of Q2_K, Q4_K and Q5_K.
// make_qkx3_quants (Q2_K, Q4_K, Q5_K, Q4_1, Q5_1) given weights is exactly make_qkx2_quants (makeQkx2Quants), and
// make_qx_quants (Q3_K, Q6_K, Q4_0, Q5_0) takes its weights from the caller already, so only the weights change there.
// The same float32 discipline as k-quants.ts: every operation rounded once through Math.fround, sums in C's order.
import {makeQkx2Quants, nearestInt, QK_K, storeSuperBlockK4, type ScaleMin} from "./k-quants.ts";

const fr = Math.fround;

/** Σx² over x[xo..xo+n), in float32 and C's order (the start of every σ²). */
export function sumSquares(x: Float32Array, xo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = fr(s + fr(x[xo + i]! * x[xo + i]!));
  return s;
}

/** σ² of Q4_0 … Q5_1: Σx²/n over the n values of the whole row x[xo..xo+n). */
export function rowSigma2(x: Float32Array, xo: number, n: number): number {
  return fr(sumSquares(x, xo, n) / n);
}

/** w[0..n) = qw[qwo + j]·√(σ² + x[xo + j]²): ggml's weights from the importance and the values. */
export function importanceWeights(
  w: Float32Array,
  n: number,
  qw: Float32Array,
  qwo: number,
  sigma2: number,
  x: Float32Array,
  xo: number
): void {
  for (let j = 0; j < n; j++) {
    const xj = x[xo + j]!;
    w[j] = fr(qw[qwo + j]! * fr(Math.sqrt(fr(sigma2 + fr(xj * xj)))));
  }
}

/** Σw[0..n) in float32 (the weight of a sub-block when its scale is quantized). */
export function sumWeights(w: Float32Array, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s = fr(s + w[j]!);
  return s;
}

/**
 * make_qp_quants: codes L[0..n) ∈ [0, nmax] for the non-negative x[0..n) (sub-block scales or mins) with weights
 * w[0..n) (the sub-blocks' summed weights). From iscale = nmax/max it tries (nmax + 0.1·is)/max for is = −4..4 by
 * weighted squared error, then up to 5 passes that move single codes while the weighted fit improves. Returns the
 * scale Σw·x·l / Σw·l² (0 when every x is 0). L is a byte array as in C: a negative code wraps as uint8_t would.
 */
export function makeQpQuants(n: number, nmax: number, x: Float32Array, L: Uint8Array, w: Float32Array): number {
  let max = 0;
  for (let i = 0; i < n; i++) max = max > x[i]! ? max : x[i]!;
  if (!max) {
    L.fill(0, 0, n);
    return 0;
  }
  let iscale = fr(nmax / max);
  for (let i = 0; i < n; i++) L[i] = nearestInt(fr(iscale * x[i]!));
  const scale = fr(1 / iscale);
  let bestMse = 0;
  for (let i = 0; i < n; i++) {
    const diff = fr(x[i]! - fr(scale * L[i]!));
    bestMse = fr(bestMse + fr(fr(w[i]! * diff) * diff));
  }
  for (let is = -4; is <= 4; is++) {
    if (is === 0) continue;
    const iscaleIs = fr(fr(fr(fr(0.1) * is) + nmax) / max);
    const scaleIs = fr(1 / iscaleIs);
    let mse = 0;
    for (let i = 0; i < n; i++) {
      const l = Math.min(nmax, nearestInt(fr(iscaleIs * x[i]!)));
      const diff = fr(x[i]! - fr(scaleIs * l));
      mse = fr(mse + fr(fr(w[i]! * diff) * diff));
    }
    if (mse < bestMse) {
      bestMse = mse;
      iscale = iscaleIs;
    }
  }
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const l = Math.min(nmax, nearestInt(fr(iscale * x[i]!)));
    L[i] = l;
    sumlx = fr(sumlx + fr(fr(w[i]! * x[i]!) * l));
    suml2 = fr(suml2 + fr(fr(w[i]! * l) * l));
  }
  for (let itry = 0; itry < 5; itry++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      const xi = x[i]!;
      const li = L[i]!;
      let slx = fr(sumlx - fr(fr(wi * xi) * li));
      let sl2 = fr(suml2 - fr(fr(wi * li) * li));
      if (slx > 0 && sl2 > 0) {
        const nl = Math.min(nmax, nearestInt(fr(fr(xi * sl2) / slx)));
        if (nl !== li) {
          slx = fr(slx + fr(fr(wi * xi) * nl));
          sl2 = fr(sl2 + fr(fr(wi * nl) * nl));
          if (fr(fr(slx * slx) * suml2) > fr(fr(sumlx * sumlx) * sl2)) {
            L[i] = nl;
            sumlx = slx;
            suml2 = sl2;
            changed++;
          }
        }
      }
    }
    if (!changed) break;
  }
  return fr(sumlx / suml2);
}

/** Where fitSubBlocksWeighted writes, per sub-block j: the fit's scale and min, and the sum of its weights. */
export interface SubBlockFits {
  scales: Float32Array;
  mins: Float32Array;
  sw: Float32Array;
}

/**
 * The weighted (scale, min) fits of Q2_K, Q4_K and Q5_K (make_qkx3_quants with quant_weights): for each of `count`
 * sub-blocks of `size` values of x[xo..] the weights qw·√(σ² + x²), their sum, and make_qkx2_quants(nmax, rmin −0.9,
 * rdelta 0.05, 36 steps, squared error), its codes into L.
 */
export function fitSubBlocksWeighted(
  count: number,
  size: number,
  nmax: number,
  x: Float32Array,
  xo: number,
  qw: Float32Array,
  qwo: number,
  sigma2: number,
  L: Uint8Array,
  fits: SubBlockFits
): void {
  for (let j = 0; j < count; j++) {
    importanceWeights(fitWeights, size, qw, qwo + size * j, sigma2, x, xo + size * j);
    fits.sw[j] = sumWeights(fitWeights, size);
    makeQkx2Quants(fit, size, nmax, x, xo + size * j, fitWeights, L, size * j, fr(-0.9), fr(0.05), 36, false);
    fits.scales[j] = fit.scale;
    fits.mins[j] = fit.min;
  }
}
const fitWeights = new Float32Array(32);
const fit: ScaleMin = {scale: 0, min: 0};

/**
 * quantize_row_q{4,5}_K_impl for one super-block x[xo..xo+256) with importance qw[qwo..qwo+256): σ² = 2·Σx²/256,
 * per sub-block of 32 the weights qw·√(σ² + x²) and make_qkx3_quants(nmax, rmin −0.9, rdelta 0.05, 36 steps, squared
 * error); the 8 scales and 8 mins to 6 bits by make_qp_quants weighted by each sub-block's Σw (no max/63 here), then
 * stored and the codes L chosen again as in the reference (storeSuperBlockK4).
 */
export function quantizeSuperBlockK4Weighted(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  L: Uint8Array,
  nmax: number,
  qw: Float32Array,
  qwo: number
): void {
  const sigma2 = fr(fr(2 * sumSquares(x, xo, QK_K)) / QK_K);
  fitSubBlocksWeighted(8, 32, nmax, x, xo, qw, qwo, sigma2, L, k4Fits);
  const dBlock = makeQpQuants(8, 63, k4Scales, k4Ls, k4Sw);
  const mBlock = makeQpQuants(8, 63, k4Mins, k4Lm, k4Sw);
  storeSuperBlockK4(out, o, x, xo, L, nmax, k4Ls, k4Lm, dBlock, mBlock);
}
const k4Sw = new Float32Array(8);
const k4Scales = new Float32Array(8);
const k4Mins = new Float32Array(8);
const k4Fits: SubBlockFits = {scales: k4Scales, mins: k4Mins, sw: k4Sw};
const k4Ls = new Uint8Array(8);
const k4Lm = new Uint8Array(8);

// ggml IQ4_NL: blocks of 32, x = d·K[q], q ∈ [0, 15] indexing the non-linear table
// K = {−127, −104, −83, −65, −49, −35, −22, −10, 1, 13, 25, 38, 53, 69, 89, 113}. 4.5 bits per weight.
// Byte layout (18 bytes, ggml block_iq4_nl): fp16 d | uint8 qs[16], low nibble = element j, high = element j + 16.
// quantize_iq4_nl (what llama-quantize runs; quantize_row_iq4_nl_ref leaves all-zero blocks' nibbles unset): from
// d = max/127 (max = the value of largest |x|, sign kept), a weighted least-squares refit (weights x²), then the 15
// inverse scales (t − 127)/max, t = −7..7, keeping the best weighted fit (Σw·K·x)²/Σw·K²; q = the nearest K entry of
// x/d. A block with max |x| < 1e-15 gets d = 0 and every q = 8 (K = 1, the entry nearest 0).
// With an importance matrix the weights are qw·√(σ² + x²), σ² = 2·Σx²/32 over the block, instead of x².
// dequantize: y = fp16(d)·K[q].
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {importanceWeights, sumSquares} from "./importance.ts";
import {GROUP_MAX_EPS, signedMax} from "./k-quants.ts";

const fr = Math.fround;
const QK = 32;
const BYTES = 18;
const NTRY = 7;

export const IQ4_NL_VALUES: readonly number[] = [
  -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113
];
const K = Int8Array.from(IQ4_NL_VALUES);

/** best_index_int8: the index of the K entry nearest v (binary search; the upper one on an exact tie). */
function bestIndex(v: number): number {
  if (v <= K[0]!) return 0;
  if (v >= K[15]!) return 15;
  let ml = 0;
  let mu = 15;
  while (mu - ml > 1) {
    const mav = (ml + mu) >> 1;
    if (v < K[mav]!) mu = mav;
    else ml = mav;
  }
  return fr(v - K[mu - 1]!) < fr(K[mu]! - v) ? mu - 1 : mu;
}

const L = new Uint8Array(QK);
const weights = new Float32Array(QK);

/** One block of quantize_row_iq4_nl_impl(32, 32, …, ntry 7): x[xo..xo+32) with weights w -> out[o..o+18). */
function quantizeBlock(out: Uint8Array, o: number, x: Float32Array, xo: number, w: Float32Array): void {
  const max = signedMax(x, xo, QK);
  let d = 0;
  if (Math.abs(max) >= GROUP_MAX_EPS) {
    d = fr(-max / K[0]!);
    let id = fr(1 / d);
    let sumqx = 0;
    let sumq2 = 0;
    for (let j = 0; j < QK; j++) {
      const q = K[bestIndex(fr(id * x[xo + j]!))]!;
      sumqx = fr(sumqx + fr(fr(w[j]! * q) * x[xo + j]!));
      sumq2 = fr(sumq2 + fr(fr(w[j]! * q) * q));
    }
    d = fr(sumqx / sumq2);
    let best = fr(d * sumqx);
    for (let itry = -NTRY; itry <= NTRY; itry++) {
      id = fr((itry + K[0]!) / max);
      sumqx = 0;
      sumq2 = 0;
      for (let j = 0; j < QK; j++) {
        const q = K[bestIndex(fr(id * x[xo + j]!))]!;
        sumqx = fr(sumqx + fr(fr(w[j]! * q) * x[xo + j]!));
        sumq2 = fr(sumq2 + fr(fr(w[j]! * q) * q));
      }
      if (sumq2 > 0 && fr(sumqx * sumqx) > fr(best * sumq2)) {
        d = fr(sumqx / sumq2);
        best = fr(d * sumqx);
      }
    }
  }
  writeF16(out, o, d);
  // the codes come from the float32 d, not the stored fp16 one
  const id = d ? fr(1 / d) : 0;
  for (let j = 0; j < QK; j++) L[j] = bestIndex(fr(id * x[xo + j]!));
  for (let j = 0; j < 16; j++) out[o + 2 + j] = L[j]! | (L[j + 16]! << 4);
}

export const iq4_nl: Codec = {
  name: "iq4_nl",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      for (let j = 0; j < QK; j++) weights[j] = fr(x[xo + j]! * x[xo + j]!);
      quantizeBlock(out, o, x, xo, weights);
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      const sigma2 = fr(sumSquares(x, xo, QK) * fr(2 / QK));
      importanceWeights(weights, QK, qw, b * QK, sigma2, x, xo);
      quantizeBlock(out, o, x, xo, weights);
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 2 + j]!;
        out[oo + j] = d * K[q & 0xf]!;
        out[oo + 16 + j] = d * K[q >> 4]!;
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    const f16 = f16Table();
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK) {
      let s = 0;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 2 + j]!;
        s += K[q & 0xf]! * x[xo + j]! + K[q >> 4]! * x[xo + 16 + j]!;
      }
      sum += s * f16[src[so]! | (src[so + 1]! << 8)]!;
    }
    return sum;
  }
};

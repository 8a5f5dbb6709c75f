// ggml Q2_K: super-blocks of 256 = 16 sub-blocks of 16, x = d·sc_j·q − dmin·m_j, q ∈ [0, 3], sc_j and m_j 4-bit.
// 2.625 bits per weight. Byte layout (84 bytes, ggml block_q2_K): uint8 scales[16] (byte j: low nibble sc_j, high
// nibble m_j) | uint8 qs[64] | fp16 d | fp16 dmin. Per 128-value half h: qs[32h + l] holds elements 128h + 32k + l in
// bits 2k..2k+1 (k = 0..3).
// quantize_row_q2_K_ref: per sub-block, weights |x| and make_qkx2_quants(nmax 3, rmin −0.5, rdelta 0.1, 15 steps,
// absolute error); sc = nearest_int(15·scale/max scale), d = max scale/15, the same for the mins with dmin; then
// q = clamp(nearest_int((x + dmin·m)/(d·sc)), 0, 3) from the stored fp16 values. With an importance matrix
// (quantize_row_q2_K_impl) the scales come from weighted searches instead (quantizeSuperBlockWeighted).
// dequantize: y = (d·sc)·q − dmin·m.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {fitSubBlocksWeighted, makeQpQuants, sumSquares} from "./importance.ts";
import {
  dotByDequant,
  packTwoBitQuants,
  makeQkx2Quants,
  nearestInt,
  QK_K,
  subBlockScales,
  type ScaleMin
} from "./k-quants.ts";

const fr = Math.fround;
const BYTES = 84;
const L = new Uint8Array(QK_K);
const weights = new Float32Array(16);
const scales = new Float32Array(16);
const mins = new Float32Array(16);
const fit: ScaleMin = {scale: 0, min: 0};

function quantizeSuperBlock(out: Uint8Array, o: number, x: Float32Array, xo: number): void {
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 16; j++) {
    for (let l = 0; l < 16; l++) weights[l] = Math.abs(x[xo + 16 * j + l]!);
    makeQkx2Quants(fit, 16, 3, x, xo + 16 * j, weights, L, 16 * j, -0.5, fr(0.1), 15, true);
    scales[j] = fit.scale;
    mins[j] = fit.min;
    if (scales[j]! > maxScale) maxScale = scales[j]!;
    if (mins[j]! > maxMin) maxMin = mins[j]!;
  }
  if (maxScale > 0) {
    const iscale = fr(15 / maxScale);
    for (let j = 0; j < 16; j++) out[o + j] = nearestInt(fr(iscale * scales[j]!));
    writeF16(out, o + 80, fr(maxScale / 15));
  } else {
    out.fill(0, o, o + 16);
    writeF16(out, o + 80, 0);
  }
  if (maxMin > 0) {
    const iscale = fr(15 / maxMin);
    for (let j = 0; j < 16; j++) out[o + j]! |= nearestInt(fr(iscale * mins[j]!)) << 4;
    writeF16(out, o + 82, fr(maxMin / 15));
  } else {
    writeF16(out, o + 82, 0);
  }
  storeCodes(out, o, x, xo);
}

/**
 * quantize_row_q2_K_impl (importance qw[qwo..qwo+256)): σ² = Σx²/256, weights qw·√(σ² + x²), make_qkx3_quants(nmax 3,
 * rmin −0.9, rdelta 0.05, 36 steps, squared error), then the 4-bit scales and mins by make_qp_quants weighted by each
 * sub-block's Σw, d and dmin their returned scales.
 */
function quantizeSuperBlockWeighted(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  qw: Float32Array,
  qwo: number
): void {
  const sigma2 = fr(sumSquares(x, xo, QK_K) / QK_K);
  fitSubBlocksWeighted(16, 16, 3, x, xo, qw, qwo, sigma2, L, fits);
  const dm = makeQpQuants(16, 15, scales, Ls, sw);
  const mm = makeQpQuants(16, 15, mins, Lm, sw);
  writeF16(out, o + 80, dm);
  writeF16(out, o + 82, mm);
  for (let j = 0; j < 16; j++) out[o + j] = Ls[j]! | (Lm[j]! << 4);
  storeCodes(out, o, x, xo);
}
const sw = new Float32Array(16);
const fits = {scales, mins, sw};
const Ls = new Uint8Array(16);
const Lm = new Uint8Array(16);

/** The codes chosen again from the stored scales (a sub-block with scale 0 keeps its fit's codes), packed at out[o+16]. */
function storeCodes(out: Uint8Array, o: number, x: Float32Array, xo: number): void {
  const f16 = f16Table();
  const d = f16[out[o + 80]! | (out[o + 81]! << 8)]!;
  const dmin = f16[out[o + 82]! | (out[o + 83]! << 8)]!;
  for (let j = 0; j < 16; j++) {
    const dl = fr(d * (out[o + j]! & 0xf));
    if (!dl) continue;
    const dm = fr(dmin * (out[o + j]! >> 4));
    for (let i = 0; i < 16; i++) {
      const l = nearestInt(fr(fr(x[xo + 16 * j + i]! + dm) / dl));
      L[16 * j + i] = l < 0 ? 0 : l > 3 ? 3 : l;
    }
  }
  packTwoBitQuants(out, o + 16, L);
}

export const q2_k: Codec = {
  name: "q2_k",
  blockSize: QK_K,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK_K,
  subBlocks: {
    size: 16,
    read(src, so) {
      const f16 = f16Table();
      const d = f16[src[so + 80]! | (src[so + 81]! << 8)]!;
      const dmin = f16[src[so + 82]! | (src[so + 83]! << 8)]!;
      const scale = (j: number) => src[so + j]! & 0xf;
      const min = (j: number) => src[so + j]! >> 4;
      return subBlockScales(16, d, dmin, scale, min, {scaleBits: 4, signed: false, qmin: 0, qmax: 3});
    }
  },
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) quantizeSuperBlock(out, o, x, xo);
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) quantizeSuperBlockWeighted(out, o, x, xo, qw, b * QK_K);
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK_K) {
      const d = f16[src[so + 80]! | (src[so + 81]! << 8)]!;
      const dmin = f16[src[so + 82]! | (src[so + 83]! << 8)]!;
      // sub-block is = 8h + 2k + (l ≥ 16) covers output values 128h + 32k + l
      for (let h = 0; h < 2; h++) {
        for (let k = 0; k < 4; k++) {
          for (let half = 0; half < 2; half++) {
            const sc = src[so + 8 * h + 2 * k + half]!;
            const dl = fr(d * (sc & 0xf));
            const ml = fr(dmin * (sc >> 4));
            for (let l = 16 * half; l < 16 * half + 16; l++) {
              const q = (src[so + 16 + 32 * h + l]! >> (2 * k)) & 3;
              out[oo + 128 * h + 32 * k + l] = fr(dl * q) - ml;
            }
          }
        }
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    return dotByDequant(q2_k.dequantize, BYTES, src, so, x, xo, nBlocks);
  }
};

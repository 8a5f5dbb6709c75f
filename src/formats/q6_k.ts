// ggml Q6_K: super-blocks of 256 = 16 sub-blocks of 16, x = d·sc_j·(q − 32), q ∈ [0, 63], sc_j int8.
// 6.5625 bits per weight. Byte layout (210 bytes, ggml block_q6_K): uint8 ql[128] | uint8 qh[64] | int8 scales[16] |
// fp16 d. Per 128-value half h (ql + 64h, qh + 32h): ql[l] holds elements l (low nibble) and l + 64 (high),
// ql[l + 32] elements l + 32 and l + 96; qh[l] the top 2 bits of elements l, l + 32, l + 64, l + 96 in bit pairs 0-1,
// 2-3, 4-5, 6-7.
// quantize_row_q6_K_ref: per sub-block make_qx_quants(nmax 32, weights x²); the scale of largest |·| gives
// iscale = −128/max, d = 1/iscale (fp16), sc = min(127, nearest_int(iscale·scale)); then
// q = clamp(nearest_int(x/(d·sc)), −32, 31) + 32 from the stored values. With an importance matrix
// (quantize_row_q6_K_impl) the weights of make_qx_quants are the importance itself. dequantize: y = (d·sc)·(q − 32).
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {dotByDequant, GROUP_MAX_EPS, makeQxQuants, nearestInt, QK_K, subBlockScales} from "./k-quants.ts";

const fr = Math.fround;
const BYTES = 210;
const L = new Uint8Array(QK_K);
const weights = new Float32Array(16);
const scales = new Float32Array(16);

/**
 * One super-block. qw: the importance (quantize_row_q6_K_impl), used as the weights of make_qx_quants as it is, with
 * no σ² term (ggml left that variant commented out); null: the reference weights x².
 */
function quantizeSuperBlock(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  qw: Float32Array | null,
  qwo: number
): void {
  let maxScale = 0;
  let maxAbsScale = 0;
  for (let ib = 0; ib < 16; ib++) {
    if (qw) {
      scales[ib] = makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib, qw, qwo + 16 * ib);
    } else {
      for (let i = 0; i < 16; i++) weights[i] = fr(x[xo + 16 * ib + i]! * x[xo + 16 * ib + i]!);
      scales[ib] = makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib, weights, 0);
    }
    const a = Math.abs(scales[ib]!);
    if (a > maxAbsScale) {
      maxAbsScale = a;
      maxScale = scales[ib]!;
    }
  }
  if (maxAbsScale < GROUP_MAX_EPS) {
    out.fill(0, o, o + BYTES);
    return;
  }
  const iscale = fr(-128 / maxScale);
  const d = writeF16(out, o + 208, fr(1 / iscale));
  for (let ib = 0; ib < 16; ib++) out[o + 192 + ib] = Math.min(127, nearestInt(fr(iscale * scales[ib]!)));
  for (let j = 0; j < 16; j++) {
    const dl = fr(d * ((out[o + 192 + j]! << 24) >> 24));
    if (!dl) continue;
    for (let i = 0; i < 16; i++) {
      const l = nearestInt(fr(x[xo + 16 * j + i]! / dl));
      L[16 * j + i] = (l < -32 ? -32 : l > 31 ? 31 : l) + 32;
    }
  }
  for (let h = 0; h < 2; h++) {
    const ql = o + 64 * h;
    const qh = o + 128 + 32 * h;
    for (let l = 0; l < 32; l++) {
      const e = 128 * h + l;
      out[ql + l] = (L[e]! & 0xf) | ((L[e + 64]! & 0xf) << 4);
      out[ql + l + 32] = (L[e + 32]! & 0xf) | ((L[e + 96]! & 0xf) << 4);
      out[qh + l] = (L[e]! >> 4) | ((L[e + 32]! >> 4) << 2) | ((L[e + 64]! >> 4) << 4) | ((L[e + 96]! >> 4) << 6);
    }
  }
}

export const q6_k: Codec = {
  name: "q6_k",
  blockSize: QK_K,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK_K,
  subBlocks: {
    size: 16,
    read(src, so) {
      const d = f16Table()[src[so + 208]! | (src[so + 209]! << 8)]!;
      const scale = (j: number) => (src[so + 192 + j]! << 24) >> 24;
      return subBlockScales(16, d, 0, scale, () => 0, {scaleBits: 8, signed: true, qmin: -32, qmax: 31});
    }
  },
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) quantizeSuperBlock(out, o, x, xo, null, 0);
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) quantizeSuperBlock(out, o, x, xo, qw, b * QK_K);
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK_K) {
      const d = f16[src[so + 208]! | (src[so + 209]! << 8)]!;
      for (let h = 0; h < 2; h++) {
        const ql = so + 64 * h;
        const qh = so + 128 + 32 * h;
        const sc = so + 192 + 8 * h;
        for (let l = 0; l < 32; l++) {
          const is = l >> 4;
          const a = src[ql + l]!;
          const c = src[ql + l + 32]!;
          const hb = src[qh + l]!;
          const y = oo + 128 * h + l;
          out[y] = fr(d * ((src[sc + is]! << 24) >> 24)) * (((a & 0xf) | ((hb & 3) << 4)) - 32);
          out[y + 32] = fr(d * ((src[sc + is + 2]! << 24) >> 24)) * (((c & 0xf) | (((hb >> 2) & 3) << 4)) - 32);
          out[y + 64] = fr(d * ((src[sc + is + 4]! << 24) >> 24)) * (((a >> 4) | (((hb >> 4) & 3) << 4)) - 32);
          out[y + 96] = fr(d * ((src[sc + is + 6]! << 24) >> 24)) * (((c >> 4) | (((hb >> 6) & 3) << 4)) - 32);
        }
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    return dotByDequant(q6_k.dequantize, BYTES, src, so, x, xo, nBlocks);
  }
};

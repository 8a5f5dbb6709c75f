// ggml Q4_K: super-blocks of 256 = 8 sub-blocks of 32, x = d·sc_j·q − dmin·m_j, q ∈ [0, 15], sc_j and m_j 6-bit.
// 4.5 bits per weight. Byte layout (144 bytes, ggml block_q4_K): fp16 d | fp16 dmin | uint8 scales[12] (8 scales and
// 8 mins, 6 bits each, packed as get_scale_min_k4 reads them) | uint8 qs[128]: per 64-value chunk c, byte 32c + l holds
// element 64c + l (low nibble) and element 64c + 32 + l (high nibble).
// quantize_row_q4_K_ref: per sub-block, weights √(mean x²) + |x| and make_qkx2_quants(nmax 15, rmin −1, rdelta 0.1,
// 20 steps); d = max scale/63, dmin = max min/63 (fp16); then q = clamp(nearest_int((x + dmin·m)/(d·sc)), 0, 15)
// from the stored fp16 values. With an importance matrix (quantize_row_q4_K_impl): weights qw·√(σ² + x²),
// make_qkx3_quants and make_qp_quants instead (importance.ts). dequantize: y = (d·sc)·q − dmin·m.
import type {Codec} from "./codec.ts";
import {f16Table} from "./fp16.ts";
import {quantizeSuperBlockK4Weighted} from "./importance.ts";
import {dotByDequant, minK4, QK_K, quantizeSuperBlockK4, scaleK4, subBlockScales} from "./k-quants.ts";

const BYTES = 144;
const L = new Uint8Array(QK_K);

/** qs[128] at out[o+16..]: the codes L, chunk c's element l in the low nibble, element l + 32 in the high one. */
function packCodes(out: Uint8Array, o: number): void {
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) out[o + 16 + 32 * c + l] = L[64 * c + l]! | (L[64 * c + 32 + l]! << 4);
  }
}

export const q4_k: Codec = {
  name: "q4_k",
  blockSize: QK_K,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK_K,
  subBlocks: {
    size: 32,
    read(src, so) {
      const f16 = f16Table();
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      const dmin = f16[src[so + 2]! | (src[so + 3]! << 8)]!;
      const scale = (j: number) => scaleK4(src, so + 4, j);
      const min = (j: number) => minK4(src, so + 4, j);
      return subBlockScales(8, d, dmin, scale, min, {scaleBits: 6, signed: false, qmin: 0, qmax: 15});
    }
  },
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) {
      quantizeSuperBlockK4(out, o, x, xo, L, 15, -1, 20);
      packCodes(out, o);
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) {
      quantizeSuperBlockK4Weighted(out, o, x, xo, L, 15, qw, b * QK_K);
      packCodes(out, o);
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK_K) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      const dmin = f16[src[so + 2]! | (src[so + 3]! << 8)]!;
      for (let c = 0; c < 4; c++) {
        const d1 = Math.fround(d * scaleK4(src, so + 4, 2 * c));
        const m1 = Math.fround(dmin * minK4(src, so + 4, 2 * c));
        const d2 = Math.fround(d * scaleK4(src, so + 4, 2 * c + 1));
        const m2 = Math.fround(dmin * minK4(src, so + 4, 2 * c + 1));
        for (let l = 0; l < 32; l++) {
          const q = src[so + 16 + 32 * c + l]!;
          out[oo + 64 * c + l] = Math.fround(d1 * (q & 0xf)) - m1;
          out[oo + 64 * c + 32 + l] = Math.fround(d2 * (q >> 4)) - m2;
        }
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    return dotByDequant(q4_k.dequantize, BYTES, src, so, x, xo, nBlocks);
  }
};

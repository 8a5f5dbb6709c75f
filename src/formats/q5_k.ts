// ggml Q5_K: super-blocks of 256 = 8 sub-blocks of 32, x = d·sc_j·q − dmin·m_j, q ∈ [0, 31], sc_j and m_j 6-bit.
// 5.5 bits per weight. Byte layout (176 bytes, ggml block_q5_K): fp16 d | fp16 dmin | uint8 scales[12] (packed as in
// Q4_K) | uint8 qh[32] | uint8 qs[128]. Per 64-value chunk c: qs[32c + l] holds the low 4 bits of elements 64c + l
// (low nibble) and 64c + 32 + l (high nibble); their 5th bits are bits 2c and 2c + 1 of qh[l].
// quantize_row_q5_K_ref: as Q4_K with nmax 31 and make_qkx2_quants(rmin −0.5, rdelta 0.1, 15 steps); with an
// importance matrix (quantize_row_q5_K_impl) exactly Q4_K's weighted search with nmax 31 (importance.ts).
// dequantize: y = (d·sc)·q − dmin·m.
import type {Codec} from "./codec.ts";
import {f16Table} from "./fp16.ts";
import {quantizeSuperBlockK4Weighted} from "./importance.ts";
import {dotByDequant, minK4, QK_K, quantizeSuperBlockK4, scaleK4, subBlockScales} from "./k-quants.ts";

const BYTES = 176;
const L = new Uint8Array(QK_K);

/** qh[32] at out[o+16..] and qs[128] at out[o+48..] from the codes L (5th bits of chunk c in bits 2c, 2c + 1). */
function packCodes(out: Uint8Array, o: number): void {
  out.fill(0, o + 16, o + 48);
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) {
      const l1 = L[64 * c + l]!;
      const l2 = L[64 * c + 32 + l]!;
      out[o + 16 + l]! |= ((l1 >> 4) << (2 * c)) | ((l2 >> 4) << (2 * c + 1));
      out[o + 48 + 32 * c + l] = (l1 & 0xf) | ((l2 & 0xf) << 4);
    }
  }
}

export const q5_k: Codec = {
  name: "q5_k",
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
      return subBlockScales(8, d, dmin, scale, min, {scaleBits: 6, signed: false, qmin: 0, qmax: 31});
    }
  },
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) {
      quantizeSuperBlockK4(out, o, x, xo, L, 31, -0.5, 15);
      packCodes(out, o);
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK_K) {
      quantizeSuperBlockK4Weighted(out, o, x, xo, L, 31, qw, b * QK_K);
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
          const q = src[so + 48 + 32 * c + l]!;
          const h = src[so + 16 + l]! >> (2 * c);
          out[oo + 64 * c + l] = Math.fround(d1 * ((q & 0xf) + ((h & 1) << 4))) - m1;
          out[oo + 64 * c + 32 + l] = Math.fround(d2 * ((q >> 4) + ((h & 2) << 3))) - m2;
        }
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    return dotByDequant(q5_k.dequantize, BYTES, src, so, x, xo, nBlocks);
  }
};

// ggml Q4_0: blocks of 32, x = d·(q − 8), q ∈ [0, 15]. 4.5 bits per weight.
// Byte layout (18 bytes, ggml block_q4_0): fp16 d | uint8 qs[16], qs[j] = q_j | q_{j+16} << 4 (low nibble = element j,
// high nibble = element j+16).
// quantize_row_q4_0_ref: max = the signed value of largest |x|, d = max / −8, id = 1/d, q = min(15, (int8)(x·id + 8.5))
// (truncation; the max maps exactly to −8, so all 16 levels are used); dequantize: y = (q − 8)·fp16(d).
// With an importance matrix (quantize_row_q4_0_impl): σ² = Σx²/n over the row, weights qw·√(σ² + x²), and
// d and the codes from make_qx_quants(nmax 8) with them.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {truncInt8, writeSignedMaxScale} from "./ggml-block.ts";
import {importanceWeights, rowSigma2} from "./importance.ts";
import {makeQxQuants} from "./k-quants.ts";

const QK = 32;
const BYTES = 18;
const weights = new Float32Array(QK);
const codes = new Uint8Array(QK);

export const q4_0: Codec = {
  name: "q4_0",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      const id = writeSignedMaxScale(out, o, x, xo, 8);
      for (let j = 0; j < 16; j++) {
        const q0 = Math.min(15, truncInt8(Math.fround(Math.fround(x[xo + j]! * id) + 8.5)));
        const q1 = Math.min(15, truncInt8(Math.fround(Math.fround(x[xo + 16 + j]! * id) + 8.5)));
        out[o + 2 + j] = (q0 & 0xf) | ((q1 & 0xf) << 4);
      }
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    const sigma2 = rowSigma2(x, xo, nBlocks * QK);
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      importanceWeights(weights, QK, qw, b * QK, sigma2, x, xo);
      writeF16(out, o, makeQxQuants(QK, 8, x, xo, codes, 0, weights, 0));
      for (let j = 0; j < 16; j++) out[o + 2 + j] = codes[j]! | (codes[j + 16]! << 4);
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 2 + j]!;
        out[oo + j] = ((q & 0xf) - 8) * d;
        out[oo + 16 + j] = ((q >> 4) - 8) * d;
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
        s += ((q & 0xf) - 8) * x[xo + j]! + ((q >> 4) - 8) * x[xo + 16 + j]!;
      }
      sum += s * f16[src[so]! | (src[so + 1]! << 8)]!;
    }
    return sum;
  },
  dotQ8(src, so, y, xo, nBlocks) {
    // ggml_vec_dot_q4_0_q8_0: the j / j+16 pairing mirrors the nibble layout
    const f16 = f16Table();
    const qs = y.qs;
    let sum = 0;
    for (let b = 0, ib = xo / QK; b < nBlocks; b++, so += BYTES, xo += QK, ib++) {
      let sumi = 0;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 2 + j]!;
        sumi += ((q & 0xf) - 8) * qs[xo + j]! + ((q >> 4) - 8) * qs[xo + 16 + j]!;
      }
      sum += sumi * (f16[src[so]! | (src[so + 1]! << 8)]! * y.d[ib]!);
    }
    return sum;
  }
};

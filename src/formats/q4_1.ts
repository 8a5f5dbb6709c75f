// ggml Q4_1: blocks of 32, x = d·q + m, q ∈ [0, 15] (asymmetric: m is the block minimum). 5.0 bits per weight.
// Byte layout (20 bytes, ggml block_q4_1): fp16 d | fp16 m | uint8 qs[16], nibbles as Q4_0 (low = j, high = j+16).
// quantize_row_q4_1_ref: d = (max − min)/15, id = 1/d, q = min(15, (int8)((x − min)·id + 0.5)); y = q·d + m.
// With an importance matrix (quantize_row_q4_1_impl): σ² = Σx²/n over the row, weights qw·√(σ² + x²), and
// make_qkx3_quants(nmax 15, rmin −0.9, rdelta 0.05, 36 steps) with them: d its scale, m its (negative) offset.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {truncInt8, writeMinScale} from "./ggml-block.ts";
import {importanceWeights, rowSigma2} from "./importance.ts";
import {makeQkx2Quants, type ScaleMin} from "./k-quants.ts";

const QK = 32;
const BYTES = 20;
const codes = new Uint8Array(QK);
const weights = new Float32Array(QK);
const fit: ScaleMin = {scale: 0, min: 0};

export const q4_1: Codec = {
  name: "q4_1",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      const [min, id] = writeMinScale(out, o, x, xo, 15);
      for (let j = 0; j < 16; j++) {
        const q0 = Math.min(15, truncInt8(Math.fround(Math.fround(Math.fround(x[xo + j]! - min) * id) + 0.5)));
        const q1 = Math.min(15, truncInt8(Math.fround(Math.fround(Math.fround(x[xo + 16 + j]! - min) * id) + 0.5)));
        out[o + 4 + j] = (q0 & 0xf) | ((q1 & 0xf) << 4);
      }
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    const sigma2 = rowSigma2(x, xo, nBlocks * QK);
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      importanceWeights(weights, QK, qw, b * QK, sigma2, x, xo);
      makeQkx2Quants(fit, QK, 15, x, xo, weights, codes, 0, Math.fround(-0.9), Math.fround(0.05), 36, false);
      writeF16(out, o, fit.scale);
      writeF16(out, o + 2, -fit.min);
      for (let j = 0; j < 16; j++) out[o + 4 + j] = codes[j]! | (codes[j + 16]! << 4);
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      const m = f16[src[so + 2]! | (src[so + 3]! << 8)]!;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 4 + j]!;
        out[oo + j] = (q & 0xf) * d + m;
        out[oo + 16 + j] = (q >> 4) * d + m;
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    const f16 = f16Table();
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK) {
      let sq = 0;
      let sx = 0;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 4 + j]!;
        const x0 = x[xo + j]!;
        const x1 = x[xo + 16 + j]!;
        sq += (q & 0xf) * x0 + (q >> 4) * x1;
        sx += x0 + x1;
      }
      sum += sq * f16[src[so]! | (src[so + 1]! << 8)]! + sx * f16[src[so + 2]! | (src[so + 3]! << 8)]!;
    }
    return sum;
  },
  dotQ8(src, so, y, xo, nBlocks) {
    // ggml_vec_dot_q4_1_q8_1: d_w·d_y·Σ q_w q_y + m_w·s_y, with s_y = d_y·Σ q_y
    const f16 = f16Table();
    const qs = y.qs;
    let sum = 0;
    for (let b = 0, ib = xo / QK; b < nBlocks; b++, so += BYTES, xo += QK, ib++) {
      let sumi = 0;
      for (let j = 0; j < 16; j++) {
        const q = src[so + 4 + j]!;
        sumi += (q & 0xf) * qs[xo + j]! + (q >> 4) * qs[xo + 16 + j]!;
      }
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      const m = f16[src[so + 2]! | (src[so + 3]! << 8)]!;
      sum += d * y.d[ib]! * sumi + m * y.s[ib]!;
    }
    return sum;
  }
};

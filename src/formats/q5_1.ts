// ggml Q5_1: blocks of 32, x = d·q + m, q ∈ [0, 31] (asymmetric, m = block minimum). 6.0 bits per weight.
// Byte layout (24 bytes, ggml block_q5_1): fp16 d | fp16 m | uint32 qh (bit i = 5th bit of element i) | uint8 qs[16]
// (low nibble = element j, high nibble = element j+16).
// quantize_row_q5_1_ref: d = (max − min)/31, q = (uint8)((x − min)·id + 0.5) (no clamp, as in ggml); y = q·d + m.
// With an importance matrix (quantize_row_q5_1_impl): σ² = Σx²/n over the row, weights qw·√(σ² + x²), and
// make_qkx3_quants(nmax 31, rmin −0.9, rdelta 0.05, 36 steps) with them: d its scale, m its (negative) offset.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {packQ5, unpackQ5, writeMinScale} from "./ggml-block.ts";
import {importanceWeights, rowSigma2} from "./importance.ts";
import {makeQkx2Quants, type ScaleMin} from "./k-quants.ts";

const QK = 32;
const BYTES = 24;
const codes = new Uint8Array(QK);
const weights = new Float32Array(QK);
const fit: ScaleMin = {scale: 0, min: 0};

export const q5_1: Codec = {
  name: "q5_1",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      const [min, id] = writeMinScale(out, o, x, xo, 31);
      for (let j = 0; j < QK; j++)
        codes[j] = Math.trunc(Math.fround(Math.fround(Math.fround(x[xo + j]! - min) * id) + 0.5));
      packQ5(out, o + 4, o + 8, codes);
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    const sigma2 = rowSigma2(x, xo, nBlocks * QK);
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      importanceWeights(weights, QK, qw, b * QK, sigma2, x, xo);
      makeQkx2Quants(fit, QK, 31, x, xo, weights, codes, 0, Math.fround(-0.9), Math.fround(0.05), 36, false);
      writeF16(out, o, fit.scale);
      writeF16(out, o + 2, -fit.min);
      packQ5(out, o + 4, o + 8, codes);
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      const m = f16[src[so + 2]! | (src[so + 3]! << 8)]!;
      unpackQ5(codes, src, so + 4, so + 8);
      for (let j = 0; j < QK; j++) out[oo + j] = codes[j]! * d + m;
    }
  },
  dot(src, so, x, xo, nBlocks) {
    const f16 = f16Table();
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK) {
      unpackQ5(codes, src, so + 4, so + 8);
      let sq = 0;
      let sx = 0;
      for (let j = 0; j < QK; j++) {
        sq += codes[j]! * x[xo + j]!;
        sx += x[xo + j]!;
      }
      sum += sq * f16[src[so]! | (src[so + 1]! << 8)]! + sx * f16[src[so + 2]! | (src[so + 3]! << 8)]!;
    }
    return sum;
  },
  dotQ8(src, so, y, xo, nBlocks) {
    const f16 = f16Table();
    const qs = y.qs;
    let sum = 0;
    for (let b = 0, ib = xo / QK; b < nBlocks; b++, so += BYTES, xo += QK, ib++) {
      unpackQ5(codes, src, so + 4, so + 8);
      let sumi = 0;
      for (let j = 0; j < QK; j++) sumi += codes[j]! * qs[xo + j]!;
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      const m = f16[src[so + 2]! | (src[so + 3]! << 8)]!;
      sum += d * y.d[ib]! * sumi + m * y.s[ib]!;
    }
    return sum;
  }
};

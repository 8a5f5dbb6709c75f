// ggml Q5_0: blocks of 32, x = d·(q − 16), q ∈ [0, 31]. 5.5 bits per weight.
// Byte layout (22 bytes, ggml block_q5_0): fp16 d | uint32 qh (little-endian; bit i = 5th bit of element i) |
// uint8 qs[16] (low 4 bits; low nibble = element j, high nibble = element j+16).
// quantize_row_q5_0_ref: max = signed value of largest |x|, d = max / −16, q = min(31, (int8)(x·id + 16.5));
// With an importance matrix (quantize_row_q5_0_impl): σ² = Σx²/n over the row, weights qw·√(σ² + x²), and d and the
// codes from make_qx_quants(nmax 16) with them. dequantize: y = (q − 16)·fp16(d).
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {packQ5, truncInt8, unpackQ5, writeSignedMaxScale} from "./ggml-block.ts";
import {importanceWeights, rowSigma2} from "./importance.ts";
import {makeQxQuants} from "./k-quants.ts";

const QK = 32;
const BYTES = 22;
const codes = new Uint8Array(QK);
const weights = new Float32Array(QK);

export const q5_0: Codec = {
  name: "q5_0",
  blockSize: QK,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK,
  quantizeRef(out, o, x, xo, nBlocks) {
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      const id = writeSignedMaxScale(out, o, x, xo, 16);
      for (let j = 0; j < QK; j++) codes[j] = Math.min(31, truncInt8(Math.fround(Math.fround(x[xo + j]! * id) + 16.5)));
      packQ5(out, o + 2, o + 6, codes);
    }
  },
  quantizeWeighted(out, o, x, xo, nBlocks, qw) {
    const sigma2 = rowSigma2(x, xo, nBlocks * QK);
    for (let b = 0; b < nBlocks; b++, o += BYTES, xo += QK) {
      importanceWeights(weights, QK, qw, b * QK, sigma2, x, xo);
      writeF16(out, o, makeQxQuants(QK, 16, x, xo, codes, 0, weights, 0));
      packQ5(out, o + 2, o + 6, codes);
    }
  },
  dequantize(out, oo, src, so, nBlocks) {
    const f16 = f16Table();
    for (let b = 0; b < nBlocks; b++, so += BYTES, oo += QK) {
      const d = f16[src[so]! | (src[so + 1]! << 8)]!;
      unpackQ5(codes, src, so + 2, so + 6);
      for (let j = 0; j < QK; j++) out[oo + j] = (codes[j]! - 16) * d;
    }
  },
  dot(src, so, x, xo, nBlocks) {
    const f16 = f16Table();
    let sum = 0;
    for (let b = 0; b < nBlocks; b++, so += BYTES, xo += QK) {
      unpackQ5(codes, src, so + 2, so + 6);
      let s = 0;
      for (let j = 0; j < QK; j++) s += (codes[j]! - 16) * x[xo + j]!;
      sum += s * f16[src[so]! | (src[so + 1]! << 8)]!;
    }
    return sum;
  },
  dotQ8(src, so, y, xo, nBlocks) {
    const f16 = f16Table();
    const qs = y.qs;
    let sum = 0;
    for (let b = 0, ib = xo / QK; b < nBlocks; b++, so += BYTES, xo += QK, ib++) {
      unpackQ5(codes, src, so + 2, so + 6);
      let sumi = 0;
      for (let j = 0; j < QK; j++) sumi += (codes[j]! - 16) * qs[xo + j]!;
      sum += sumi * (f16[src[so]! | (src[so + 1]! << 8)]! * y.d[ib]!);
    }
    return sum;
  }
};

// ggml Q3_K: super-blocks of 256 = 16 sub-blocks of 16, x = d·(s_j − 32)·q, q ∈ [−4, 3], s_j 6-bit.
// 3.4375 bits per weight. Byte layout (110 bytes, ggml block_q3_K): uint8 hmask[32] | uint8 qs[64] | uint8 scales[12] |
// fp16 d. Codes q + 4 (0..7): the low 2 bits are packed as in Q2_K (qs[32h + l], bits 2k..2k+1 = element
// 128h + 32k + l), the high bit of element 32m + l is bit m of hmask[l]. Scale j: low 4 bits in the low (j < 8) or high
// (j ≥ 8) nibble of scales[j % 8], high 2 bits in bits 2·(j/4).. of scales[8 + j % 4].
// quantize_row_q3_K_ref: per sub-block make_q3_quants(nmax 4, weighted by x², refined), the scale of largest |·|
// gives iscale = −32/max, s = clamp(nearest_int(iscale·scale), −32, 31) + 32, d = 1/iscale (fp16); then
// q = clamp(nearest_int(x/(d·(s − 32))), −4, 3) from the stored values. With an importance matrix
// (quantize_row_q3_K_impl): weighted make_qx_quants for the values and for the scales (quantizeSuperBlockWeighted).
// dequantize: y = (d·(s − 32))·q.
import type {Codec} from "./codec.ts";
import {f16Table, writeF16} from "./fp16.ts";
import {importanceWeights, sumSquares, sumWeights} from "./importance.ts";
import {
  dotByDequant,
  packTwoBitQuants,
  makeQ3Quants,
  makeQxQuants,
  nearestInt,
  QK_K,
  subBlockScales
} from "./k-quants.ts";

const fr = Math.fround;
const BYTES = 110;
const L = new Uint8Array(QK_K);
const scales = new Float32Array(16);

/** Signed 6-bit scale j (s − 32) of the scales[12] at src[o..]. */
function scaleQ3(src: Uint8Array, o: number, j: number): number {
  const low = j < 8 ? src[o + j]! & 0xf : src[o + j - 8]! >> 4;
  return (low | (((src[o + 8 + (j % 4)]! >> (2 * (j >> 2))) & 3) << 4)) - 32;
}

function quantizeSuperBlock(out: Uint8Array, o: number, x: Float32Array, xo: number): void {
  let maxScale = 0;
  let amax = 0;
  for (let j = 0; j < 16; j++) {
    scales[j] = makeQ3Quants(16, 4, x, xo + 16 * j, L, 16 * j);
    const a = Math.abs(scales[j]!);
    if (a > amax) {
      amax = a;
      maxScale = scales[j]!;
    }
  }
  out.fill(0, o + 96, o + 108);
  if (maxScale) {
    const iscale = fr(-32 / maxScale);
    for (let j = 0; j < 16; j++) {
      const r = (nearestInt(fr(iscale * scales[j]!)) << 24) >> 24; // C: int8_t l = nearest_int(…)
      const l = (r < -32 ? -32 : r > 31 ? 31 : r) + 32;
      if (j < 8) out[o + 96 + j] = l & 0xf;
      else out[o + 96 + j - 8]! |= (l & 0xf) << 4;
      out[o + 104 + (j % 4)]! |= (l >> 4) << (2 * (j >> 2));
    }
    writeF16(out, o + 108, fr(1 / iscale));
  } else {
    writeF16(out, o + 108, 0);
  }
  storeCodes(out, o, x, xo);
}

/**
 * quantize_row_q3_K_impl (importance qw[qwo..qwo+256)): σ² = 2·Σx²/256, per sub-block make_qx_quants(nmax 4) with
 * weights qw·√(σ² + x²), then the 16 scales themselves by make_qx_quants(nmax 32) weighted by each sub-block's Σw:
 * its codes are the stored 6-bit s, its scale is d.
 */
function quantizeSuperBlockWeighted(
  out: Uint8Array,
  o: number,
  x: Float32Array,
  xo: number,
  qw: Float32Array,
  qwo: number
): void {
  const sigma2 = fr(fr(2 * sumSquares(x, xo, QK_K)) / QK_K);
  for (let j = 0; j < 16; j++) {
    importanceWeights(weights, 16, qw, qwo + 16 * j, sigma2, x, xo + 16 * j);
    sw[j] = sumWeights(weights, 16);
    scales[j] = makeQxQuants(16, 4, x, xo + 16 * j, L, 16 * j, weights, 0);
  }
  const dBlock = makeQxQuants(16, 32, scales, 0, Ls, 0, sw, 0);
  out.fill(0, o + 96, o + 108);
  for (let j = 0; j < 16; j++) {
    const l = Ls[j]!;
    if (j < 8) out[o + 96 + j] = l & 0xf;
    else out[o + 96 + j - 8]! |= (l & 0xf) << 4;
    out[o + 104 + (j % 4)]! |= (l >> 4) << (2 * (j >> 2));
  }
  writeF16(out, o + 108, dBlock);
  storeCodes(out, o, x, xo);
}
const weights = new Float32Array(16);
const sw = new Float32Array(16);
const Ls = new Uint8Array(16);

/**
 * The codes chosen again from the stored d and scales (a sub-block with scale 0 keeps its fit's codes), then split:
 * high bits into hmask at out[o..], the low two bits packed at out[o+32..].
 */
function storeCodes(out: Uint8Array, o: number, x: Float32Array, xo: number): void {
  const d = f16Table()[out[o + 108]! | (out[o + 109]! << 8)]!;
  for (let j = 0; j < 16; j++) {
    const dl = fr(d * scaleQ3(out, o + 96, j));
    if (!dl) continue;
    for (let i = 0; i < 16; i++) {
      const l = nearestInt(fr(x[xo + 16 * j + i]! / dl));
      L[16 * j + i] = (l < -4 ? -4 : l > 3 ? 3 : l) + 4;
    }
  }
  out.fill(0, o, o + 32);
  for (let j = 0; j < QK_K; j++) {
    if (L[j]! > 3) {
      out[o + (j % 32)]! |= 1 << (j >> 5);
      L[j]! -= 4;
    }
  }
  packTwoBitQuants(out, o + 32, L);
}

export const q3_k: Codec = {
  name: "q3_k",
  blockSize: QK_K,
  blockBytes: BYTES,
  headerBytes: 0,
  bpw: (BYTES * 8) / QK_K,
  subBlocks: {
    size: 16,
    read(src, so) {
      const d = f16Table()[src[so + 108]! | (src[so + 109]! << 8)]!;
      const scale = (j: number) => scaleQ3(src, so + 96, j);
      return subBlockScales(16, d, 0, scale, () => 0, {scaleBits: 6, signed: true, qmin: -4, qmax: 3});
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
      const d = f16[src[so + 108]! | (src[so + 109]! << 8)]!;
      for (let h = 0; h < 2; h++) {
        for (let k = 0; k < 4; k++) {
          const bit = 1 << (4 * h + k);
          for (let half = 0; half < 2; half++) {
            const dl = fr(d * scaleQ3(src, so + 96, 8 * h + 2 * k + half));
            for (let l = 16 * half; l < 16 * half + 16; l++) {
              const q = ((src[so + 32 + 32 * h + l]! >> (2 * k)) & 3) - (src[so + l]! & bit ? 0 : 4);
              out[oo + 128 * h + 32 * k + l] = dl * q;
            }
          }
        }
      }
    }
  },
  dot(src, so, x, xo, nBlocks) {
    return dotByDequant(q3_k.dequantize, BYTES, src, so, x, xo, nBlocks);
  }
};

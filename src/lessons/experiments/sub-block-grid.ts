// The grid of a K-quant, read from its bytes rather than probed: a super-block of 256 values holds one fp16 d (and
// dmin) and a small integer scale (and min) per sub-block, so each sub-block has its own grid
// level(q) = d·sc_j·q − dmin·m_j. Everything here comes from the codec's trait (codec.subBlocks); nothing switches on
// format names. A matrix is read as the flat run the K-quant stores (matrix.ts): super-block b is values
// [256b, 256b + 256) of the row-major matrix, whether its rows are whole super-blocks (ggml's bytes) or not (simulated).
import type {SubBlockScales} from "../../formats/codec.ts";
import {subBlockLevels} from "../../formats/k-quants.ts";
import {dequantizeMatrix, quantizeMatrix, toFormat} from "../../quant/index.ts";

export interface SuperBlockGrid {
  /** the super-block's index in the run */
  block: number;
  /** values per sub-block (32 for Q4_K / Q5_K, 16 for Q2_K / Q3_K / Q6_K) */
  size: number;
  /** the super-block's stored scales: d, dmin, and the integer sub-scales and sub-mins */
  scales: SubBlockScales;
  /** (sub-blocks,) each sub-block's levels, ascending */
  levels: Float32Array[];
  /** (blockSize,) the super-block's weights (zeros past the end of the matrix: the padding) */
  weights: Float32Array;
  /** (blockSize,) the same after quantize -> dequantize */
  dequantized: Float32Array;
  /** the codec's note when llama.cpp could not store this matrix in the format, else null */
  simulated: string | null;
}

/** Values per sub-block when `format` has sub-blocks (the K-quants), else null. */
export function subBlockSize(format: string): number | null {
  return toFormat(format).codec(1, 256).subBlocks?.size ?? null;
}

/** Super-block `block` of w (rows, cols) under a K-quant `format`, or null for a format without sub-blocks. */
export function superBlockGrid(
  format: string,
  w: Float32Array,
  rows: number,
  cols: number,
  block: number
): SuperBlockGrid | null {
  const shaped = toFormat(format).codec(rows, cols);
  if (!shaped.subBlocks) return null;
  const bs = shaped.blockSize;
  // super-blocks are quantized independently, so one alone gives the bytes it has inside the whole run
  const weights = new Float32Array(bs);
  weights.set(w.subarray(block * bs, Math.min(w.length, (block + 1) * bs)));
  const q = quantizeMatrix(toFormat(format).codec(1, bs), weights, 1, bs);
  const dequantized = new Float32Array(bs);
  dequantizeMatrix(dequantized, q);
  const {size, read} = shaped.subBlocks;
  const scales = read(q.data, 0);
  const levels = Array.from(scales.scales, (_, j) => subBlockLevels(scales, j).sort());
  return {block, size, scales, levels, weights, dequantized, simulated: shaped.simulated ?? null};
}

/**
 * quantizationGrid's input for sub-blocks [first, first + count) of a super-block: one group per sub-block, the code
 * range normalized to [0, 1] as the shared codebook, each sub-block's lowest level as offset and its span as scale.
 */
export function subBlockStrip(g: SuperBlockGrid, first: number, count: number) {
  const {qmin, qmax} = g.scales;
  const picked = g.levels.slice(first, first + count);
  return {
    weights: g.weights.subarray(first * g.size, (first + count) * g.size),
    dequantized: g.dequantized.subarray(first * g.size, (first + count) * g.size),
    groupSize: g.size,
    scales: picked.map((l) => l[l.length - 1]! - l[0]!),
    offsets: picked.map((l) => l[0]!),
    codebook: Array.from({length: qmax - qmin + 1}, (_, i) => i / (qmax - qmin))
  };
}

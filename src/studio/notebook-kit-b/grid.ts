// The quantization grid of one block of real weights, found through the format's own quantizer: every format here
// sets a block's scale (and offset) from the block's extreme values, so a probe block that keeps those extremes and
// fills its other slots with a fine ramp between them quantizes to the same scale, and its dequantized values are the
// block's representable levels. Nothing switches on format names; a new format in the trait table works unchanged.
// (If a format ever sets its scale otherwise, the probe still returns values it can represent, only maybe not all.)
import {dequantizeMatrix, quantizeMatrix, toFormat} from "../../quant/index.ts";

/** Ramp points probed between the extremes: enough to hit every level of an 8-bit grid several times. */
const RAMP = 2048;
/** More distinct levels than this is not a grid worth drawing (fp16, for instance). */
export const MAX_LEVELS = 256;

export interface BlockGrid {
  /** sorted representable values of the block, in weight units; empty when the format has more than MAX_LEVELS */
  levels: Float32Array;
  /** the block's weights after quantize -> dequantize */
  dequantized: Float32Array;
}

/** Grid and round trip of `block` (the values that share one scale: a block, a row or the whole tensor). */
export function blockGrid(format: string, block: Float32Array): BlockGrid {
  const n = block.length;
  let lo = 0;
  let hi = 0;
  for (let i = 1; i < n; i++) {
    if (block[i]! < block[lo]!) lo = i;
    if (block[i]! > block[hi]!) hi = i;
  }
  const free = n - (lo === hi ? 1 : 2);
  const probeRows = Math.max(1, Math.ceil(RAMP / Math.max(free, 1)));
  const probe = new Float32Array(probeRows * n);
  const [min, max] = [block[lo]!, block[hi]!];
  let k = 0;
  for (let r = 0; r < probeRows; r++) {
    for (let i = 0; i < n; i++) {
      const v = i === lo ? min : i === hi ? max : min + ((max - min) * (k++ % RAMP)) / (RAMP - 1);
      probe[r * n + i] = v;
    }
  }
  const codec = (rows: number) => toFormat(format).codec(rows, n);
  const roundTrip = (x: Float32Array, rows: number) => {
    const out = new Float32Array(x.length);
    dequantizeMatrix(out, quantizeMatrix(codec(rows), x, rows, n));
    return out;
  };
  const levels = [...new Set(roundTrip(probe, probeRows))].sort((a, b) => a - b);
  return {
    levels: Float32Array.from(levels.length <= MAX_LEVELS ? levels : []),
    dequantized: roundTrip(block, 1)
  };
}

/** The index of the block (of `size` values) holding the weight of largest magnitude: the outlier's block. */
export function outlierBlock(w: ArrayLike<number>, size: number): number {
  let at = 0;
  for (let i = 1; i < w.length; i++) if (Math.abs(w[i]!) > Math.abs(w[at]!)) at = i;
  return Math.floor(at / size);
}

/**
 * The inputs of the quantizationGrid chart for blocks [first, first + count) of w: one scale and offset per block and
 * a shared codebook normalized to [0, 1] (every block's levels are an affine image of the same codebook).
 */
export function gridStrip(format: string, w: Float32Array, size: number, first: number, count: number) {
  const grids = Array.from({length: count}, (_, b) =>
    blockGrid(format, w.subarray((first + b) * size, (first + b + 1) * size))
  );
  const spans = grids.map(({levels}) => [levels[0] ?? 0, levels[levels.length - 1] ?? 0] as const);
  const widest = grids.reduce((a, g, i) => (g.levels.length > grids[a]!.levels.length ? i : a), 0);
  const [lo0, hi0] = spans[widest]!;
  const codebook = Array.from(grids[widest]!.levels, (v) => (hi0 > lo0 ? (v - lo0) / (hi0 - lo0) : 0));
  const dequantized = new Float32Array(count * size);
  grids.forEach((g, b) => dequantized.set(g.dequantized, b * size));
  return {
    weights: w.subarray(first * size, (first + count) * size),
    dequantized,
    groupSize: size,
    scales: spans.map(([lo, hi]) => hi - lo),
    offsets: spans.map(([lo]) => lo),
    codebook
  };
}

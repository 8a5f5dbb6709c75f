// The quantization grid of one block of real weights, found through the format's own quantizer: probe rows that are
// the block itself with one value replaced by a point of a fine ramp over ±2·max|w|. Where the replaced value leaves
// the block's scale alone (every other value of the row dequantizes exactly as in the block's own round trip), its
// dequantized value is one of the block's representable levels; rows where it moved the scale are dropped. Nothing
// switches on format names: a new format in the trait table works unchanged.
import {dequantizeMatrix, quantizeMatrix, toFormat} from "../../quant/index.ts";

/** Ramp points probed: enough to hit every level of an 8-bit grid several times. */
const RAMP = 2048;
/** Scales are set by a block's extremes, so a long block (a row, a tensor) is probed through a sample of this many
 *  values that keeps its minimum and maximum. */
const MAX_PROBE_WIDTH = 256;
/** More distinct levels than this is not a grid worth drawing (fp16, for instance). */
export const MAX_LEVELS = 256;

export interface BlockGrid {
  /** sorted representable values of the block, in weight units; empty when the format has more than MAX_LEVELS */
  levels: Float32Array;
  /** the block's weights after quantize -> dequantize */
  dequantized: Float32Array;
}

function roundTrip(format: string, x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  dequantizeMatrix(out, quantizeMatrix(toFormat(format).codec(rows, cols), x, rows, cols));
  return out;
}

/** `block`, or for a long one an evenly spaced sample that keeps its smallest and largest value. */
function probeBlock(block: Float32Array): Float32Array {
  if (block.length <= MAX_PROBE_WIDTH) return block;
  let lo = 0;
  let hi = 0;
  for (let i = 1; i < block.length; i++) {
    if (block[i]! < block[lo]!) lo = i;
    if (block[i]! > block[hi]!) hi = i;
  }
  const sample = Float32Array.from(
    {length: MAX_PROBE_WIDTH},
    (_, i) => block[Math.floor((i * block.length) / MAX_PROBE_WIDTH)]!
  );
  sample[0] = block[lo]!;
  sample[1] = block[hi]!;
  return sample;
}

/** Grid and round trip of `block` (the values that share one scale: a block, a row or the whole tensor). */
export function blockGrid(format: string, block: Float32Array): BlockGrid {
  const base = probeBlock(block);
  const n = base.length;
  const own = roundTrip(format, base, 1, n);
  let amax = 0;
  let slot = 0; // the replaced value: the one of smallest magnitude, so it never sets the scale
  for (let i = 0; i < n; i++) {
    amax = Math.max(amax, Math.abs(base[i]!));
    if (Math.abs(base[i]!) < Math.abs(base[slot]!)) slot = i;
  }
  const probe = new Float32Array(RAMP * n);
  for (let r = 0; r < RAMP; r++) {
    probe.set(base, r * n);
    probe[r * n + slot] = amax * (-2 + (4 * r) / (RAMP - 1));
  }
  const back = roundTrip(format, probe, RAMP, n);
  const levels = new Set<number>();
  for (let r = 0; r < RAMP; r++) {
    let sameScale = true;
    for (let i = 0; i < n && sameScale; i++) if (i !== slot && back[r * n + i] !== own[i]) sameScale = false;
    if (sameScale) levels.add(back[r * n + slot]!);
  }
  for (const v of own) levels.add(v);
  const sorted = [...levels].sort((a, b) => a - b);
  return {
    levels: Float32Array.from(sorted.length <= MAX_LEVELS ? sorted : []),
    dequantized: block.length === n ? own : roundTrip(format, block, 1, block.length)
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

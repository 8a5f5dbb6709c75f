// A block, opened: one quantization block of a weight matrix under a format — what it stores (a K-quant's fp16 d and
// dmin with the integer sub-scales and mins of its sub-blocks; a Q8_0/Q4_0 block's grid step |d|), and for every
// value the fp32 source, the level it lands on, its reconstruction and the error. The levels come from the format's
// own quantizer (superBlockGrid for K-quants, blockGrid otherwise), so nothing here switches on format names.
import {sqnrDb, toFormat} from "../../quant/index.ts";
import type {SubBlockScales} from "../../formats/codec.ts";
import {blockGrid} from "../experiments/grid.ts";
import {superBlockGrid} from "../experiments/sub-block-grid.ts";

export interface OpenedValue {
  /** index in the block */
  i: number;
  /** the sub-block it belongs to (0 for a format without sub-blocks) */
  sub: number;
  x: number;
  /** the index of its level among its (sub-)block's levels, ascending */
  level: number;
  xhat: number;
}

export interface OpenedBlock {
  format: string;
  block: number;
  /** values per block (256 for a K-quant super-block, 32 for Q8_0 / Q4_0) */
  size: number;
  /** a K-quant's stored scales; null for a format without sub-blocks */
  scales: SubBlockScales | null;
  /** values per sub-block (null without sub-blocks) */
  subSize: number | null;
  /** the grid step of a format without sub-blocks (|d| of Q8_0 / Q4_0), else null */
  step: number | null;
  values: OpenedValue[];
  sqnrDb: number;
  maxAbsError: number;
  /** the codec's note when llama.cpp could not store the matrix in this format (a simulated K-quant) */
  simulated: string | null;
}

const nearest = (levels: Float32Array, v: number) => {
  let best = 0;
  for (let k = 1; k < levels.length; k++) if (Math.abs(levels[k]! - v) < Math.abs(levels[best]! - v)) best = k;
  return best;
};

/** Blocks of `format` in a (rows, cols) matrix as the format stores it (a flat run of super-blocks, or per row). */
export function blockCount(format: string, rows: number, cols: number): number {
  const codec = toFormat(format).codec(rows, cols);
  return Math.ceil((rows * cols) / codec.blockSize);
}

/** Block `block` of w (rows, cols) under `format`, opened. */
export function openBlock(format: string, w: Float32Array, rows: number, cols: number, block: number): OpenedBlock {
  const count = blockCount(format, rows, cols);
  if (!Number.isInteger(block) || block < 0 || block >= count)
    throw new Error(`invalid block: ${block} (this matrix has blocks 0..${count - 1} in ${format})`);
  const codec = toFormat(format).codec(rows, cols);
  const grid = superBlockGrid(format, w, rows, cols, block);
  let x: Float32Array;
  let xhat: Float32Array;
  let levelsOf: (i: number) => Float32Array;
  let step: number | null = null;
  if (grid) {
    ({weights: x, dequantized: xhat} = grid);
    levelsOf = (i) => grid.levels[Math.floor(i / grid.size)]!;
  } else {
    const size = codec.blockSize;
    x = w.slice(block * size, (block + 1) * size);
    const g = blockGrid(format, x);
    xhat = g.dequantized;
    levelsOf = () => g.levels;
    step = g.levels.length > 1 ? g.levels[1]! - g.levels[0]! : 0;
  }
  const values = Array.from(x, (v, i) => ({
    i,
    sub: grid ? Math.floor(i / grid.size) : 0,
    x: v,
    level: nearest(levelsOf(i), xhat[i]!),
    xhat: xhat[i]!
  }));
  let maxAbsError = 0;
  for (let i = 0; i < x.length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(x[i]! - xhat[i]!));
  return {
    format: toFormat(format).name,
    block,
    size: x.length,
    scales: grid?.scales ?? null,
    subSize: grid?.size ?? null,
    step,
    values,
    sqnrDb: sqnrDb(x, xhat),
    maxAbsError,
    simulated: codec.simulated ?? null
  };
}

/** The values of sub-block `sub` (all of them without sub-blocks) as a table: i, fp32, level, reconstruction, error. */
export function blockTable(opened: OpenedBlock, sub = 0): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "gb-hurt-table gb-block-table";
  const head = table.createTHead().insertRow();
  for (const h of ["i", "fp32", "level", "reconstructed", "error"])
    head.appendChild(document.createElement("th")).textContent = h;
  const body = table.createTBody();
  for (const v of opened.values.filter((v) => opened.subSize === null || v.sub === sub)) {
    const row = body.insertRow();
    const cells = [v.i, v.x.toFixed(5), v.level, v.xhat.toFixed(5), (v.xhat - v.x).toExponential(2)];
    for (const text of cells) row.insertCell().textContent = String(text);
  }
  return table;
}

// The cell layer of every heatmap (activations, attention, per-block SQNR): a rows × cols grid of colours, drawn as
// SVG rects when small and as one canvas raster (one pixel per cell, scaled with image-rendering: pixelated and
// embedded as an <image>) when large. A 256-entry colour lookup table keeps both paths identical and fast.
// R = rows, C = cols.
import * as d3 from "d3";
import {canvas2d} from "./canvas.ts";
import type {GSelection} from "./figure.ts";

export interface CellGrid {
  values: ArrayLike<number>; // (R, C) row-major
  rows: number;
  cols: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** "auto": SVG up to SVG_CELL_LIMIT cells, canvas above; "svg" / "canvas" force one path. */
export type Raster = "auto" | "svg" | "canvas";
export const RASTERS: readonly Raster[] = ["auto", "svg", "canvas"];
export const SVG_CELL_LIMIT = 4096;

/** What was drawn: "unavailable" means canvas was needed but the environment has none (jsdom). */
export type CellMode = "svg" | "canvas" | "unavailable";

export interface CellColors {
  /** t in [0, 1] -> colour */
  color: (t: number) => string;
  /** value mapped to t = 0 and t = 1; values outside are clamped */
  domain: readonly [number, number];
  /** colour of NaN cells */
  missing: string;
  /** cells for which this returns false stay empty (e.g. the causal mask of attention) */
  visible?: (row: number, col: number) => boolean;
}

const LUT_SIZE = 256;

function lutIndex(v: number, lo: number, span: number): number {
  if (v !== v) return -1;
  const t = span > 0 ? (v - lo) / span : 0.5;
  return Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1));
}

/** Decides the drawing path up front so the chart can report it (a note) before drawing. */
export function cellMode(doc: Document, cells: number, raster: Raster): CellMode {
  if (raster === "svg" || (raster === "auto" && cells <= SVG_CELL_LIMIT)) return "svg";
  return canvas2d(doc, 1, 1) ? "canvas" : "unavailable";
}

export function drawCells(g: GSelection, grid: CellGrid, box: Box, colors: CellColors, mode: CellMode): void {
  const {values, rows, cols} = grid;
  const [lo, hi] = colors.domain;
  const span = hi - lo;
  const lut = Array.from({length: LUT_SIZE}, (_, i) => colors.color(i / (LUT_SIZE - 1)));
  const visible = colors.visible ?? (() => true);
  const cw = box.width / cols;
  const ch = box.height / rows;
  const layer = g.append("g").attr("class", "gb-cells").attr("shape-rendering", "crispEdges");
  if (mode === "unavailable") return;
  if (mode === "svg") {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (!visible(r, c)) continue;
        const i = lutIndex(values[r * cols + c]!, lo, span);
        layer
          .append("rect")
          .attr("x", box.x + c * cw)
          .attr("y", box.y + r * ch)
          .attr("width", cw)
          .attr("height", ch)
          .attr("fill", i < 0 ? colors.missing : lut[i]!);
      }
    }
    return;
  }
  const ctx = canvas2d(g.node()!.ownerDocument, cols, rows)!;
  const rgb = lut.map((c) => d3.rgb(c));
  const missing = d3.rgb(colors.missing);
  const image = ctx.createImageData(cols, rows);
  const px = image.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const o = (r * cols + c) * 4;
      if (!visible(r, c)) continue;
      const i = lutIndex(values[r * cols + c]!, lo, span);
      const color = i < 0 ? missing : rgb[i]!;
      px[o] = color.r;
      px[o + 1] = color.g;
      px[o + 2] = color.b;
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  layer
    .append("image")
    .attr("x", box.x)
    .attr("y", box.y)
    .attr("width", box.width)
    .attr("height", box.height)
    .attr("preserveAspectRatio", "none")
    .style("image-rendering", "pixelated")
    .attr("href", ctx.canvas.toDataURL("image/png"));
}

/** The cell under viewBox point (x, y), or null outside the grid. */
export function cellAt(grid: CellGrid, box: Box, x: number, y: number): {row: number; col: number} | null {
  const col = Math.floor(((x - box.x) / box.width) * grid.cols);
  const row = Math.floor(((y - box.y) / box.height) * grid.rows);
  return row >= 0 && row < grid.rows && col >= 0 && col < grid.cols ? {row, col} : null;
}

/** Validates a grid: non-negative integer rows/cols and values.length === rows × cols. */
export function toGrid(values: ArrayLike<number> | undefined, rows: number, cols: number): CellGrid {
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`invalid rows: ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new Error(`invalid cols: ${cols}`);
  if (!values || typeof values.length !== "number") throw new Error(`invalid values: ${values}`);
  if (values.length !== rows * cols) {
    throw new Error(
      `invalid values: length ${values.length}, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`
    );
  }
  return {values, rows, cols};
}

/** Checks optional labels have one entry per row/column. */
export function toLabels(labels: readonly string[] | undefined | null, n: number, name: string): string[] | null {
  if (labels === undefined || labels === null) return null;
  if (!Array.isArray(labels) || labels.length !== n) {
    throw new Error(`invalid ${name}: ${labels?.length ?? labels} labels for ${n} entries`);
  }
  return labels.map(String);
}

/** values[start, end) without copying typed arrays. */
export function sliceValues(values: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  if (ArrayBuffer.isView(values)) return (values as unknown as Float32Array).subarray(start, end);
  return Array.prototype.slice.call(values, start, end) as number[];
}

// One labelled heatmap inside a box: the cell layer, row/column labels (token strings, thinned to stay legible, or a
// numeric index axis), axis titles, a hover lookup and the highlight cursor. Used by the activation heatmap, the
// attention charts and the per-block SQNR heatmap.
import * as d3 from "d3";
import {cellAt, drawCells, type Box, type CellColors, type CellGrid, type CellMode} from "./cells.ts";
import {axisTitle, styleAxis, type GSelection} from "./figure.ts";
import {showToken, textWidth, truncate} from "./format.ts";
import type {Theme} from "./theme.ts";
import type {TipLookup} from "./tooltip.ts";

/** Which axis indexes token positions: its labels get `data-position` and it follows the highlight channel. */
export type PositionAxis = "rows" | "cols" | "both" | "none";
export const POSITION_AXES: readonly PositionAxis[] = ["rows", "cols", "both", "none"];

export interface PanelSpec {
  grid: CellGrid;
  colors: CellColors;
  mode: CellMode;
  /** one label per row (tokens), or null for a numeric index axis */
  rowLabels: readonly string[] | null;
  colLabels: readonly string[] | null;
  rowTitle: string;
  colTitle: string;
  positionAxis: PositionAxis;
  /** labels at a smaller size and no axis titles, for small multiples */
  compact: boolean;
  /** square cells (attention: query × key) */
  square: boolean;
  /** with `square`: cells may be up to this many times as tall as wide if the box has the height (default 1) */
  tallCells?: number;
  tip: (row: number, col: number, value: number) => string;
}

export interface Panel {
  cells: Box;
  /** y below everything the panel drew (labels and axis titles included) */
  bottom: number;
  lookup: TipLookup;
  /** outlines position p (or clears with null) */
  highlight(position: number | null): void;
}

const MAX_LABEL_CHARS = 12;
/** Row and column labels shrink down to this size to fit one per row (or column) before any is skipped. */
const MIN_LABEL_SIZE = 10;

/** A label size that fits one label per `room` px (at most `fs`, at least MIN_LABEL_SIZE) and the step between shown labels. */
function labelFit(fs: number, room: number): {size: number; step: number} {
  const size = Math.max(Math.min(fs, MIN_LABEL_SIZE), Math.min(fs, room / 1.15));
  return {size, step: Math.max(1, Math.ceil((size * 1.15) / room))};
}

function labelText(s: string): string {
  return truncate(showToken(s), MAX_LABEL_CHARS);
}

export function heatmapPanel(g: GSelection, theme: Theme, outer: Box, spec: PanelSpec): Panel {
  const {grid, rowLabels, colLabels, positionAxis} = spec;
  const fs = spec.compact ? theme.fontSize * 0.73 : theme.fontSize * 0.87;
  const titleSpace = spec.compact ? 0 : theme.fontSize * 1.6;
  const rowLabelWidth = rowLabels
    ? Math.max(0, ...rowLabels.map((l) => textWidth(labelText(l), fs)))
    : textWidth(String(grid.rows - 1), fs) + 6;
  const colLabelDepth = colLabels
    ? Math.max(0, ...colLabels.map((l) => textWidth(labelText(l), fs))) * 0.71 + fs
    : fs + 8;
  const cells: Box = {
    x: outer.x + titleSpace + rowLabelWidth + 8,
    y: outer.y,
    width: Math.max(10, outer.width - titleSpace - rowLabelWidth - 8),
    height: Math.max(10, outer.height - colLabelDepth - 8 - titleSpace)
  };
  if (spec.square) {
    const side = Math.min(cells.width / Math.max(1, grid.cols), cells.height / Math.max(1, grid.rows));
    cells.x += (cells.width - side * grid.cols) / 2;
    cells.width = side * grid.cols;
    // a cell may be up to tallCells times as tall as wide where the height allows (a strip of few rows stays legible)
    cells.height = Math.min(cells.height, side * (spec.tallCells ?? 1) * grid.rows);
  }
  drawCells(g, grid, cells, spec.colors, spec.mode);
  g.append("rect")
    .attr("x", cells.x)
    .attr("y", cells.y)
    .attr("width", cells.width)
    .attr("height", cells.height)
    .attr("fill", "none")
    .attr("stroke", theme.grid);
  const ch = cells.height / Math.max(1, grid.rows);
  const cw = cells.width / Math.max(1, grid.cols);
  const rowsArePositions = positionAxis === "rows" || positionAxis === "both";
  const colsArePositions = positionAxis === "cols" || positionAxis === "both";

  if (rowLabels) {
    const {size, step} = labelFit(fs, ch);
    const shown = d3.range(0, grid.rows, step);
    g.append("g")
      .attr("class", "gb-row-labels")
      .attr("font-size", size)
      .selectAll("text")
      .data(shown)
      .join("text")
      .attr("x", cells.x - 6)
      .attr("y", (r) => cells.y + (r + 0.5) * ch)
      .attr("dy", "0.35em")
      .attr("text-anchor", "end")
      .attr("data-position", (r) => (rowsArePositions ? r : null))
      .text((r) => labelText(rowLabels[r] ?? ""));
  } else if (grid.rows > 0) {
    const y = d3
      .scaleLinear()
      .domain([0, grid.rows])
      .range([cells.y, cells.y + cells.height]);
    const axis = d3
      .axisLeft(y)
      .ticks(Math.max(2, Math.min(grid.rows, Math.floor(cells.height / 50))))
      .tickFormat(d3.format("d"));
    styleAxis(g.append("g").attr("transform", `translate(${cells.x},0)`).call(axis) as unknown as GSelection, theme);
  }
  if (colLabels) {
    // turned 45°: neighbours are cw·sin 45° apart across their lines
    const {size, step} = labelFit(fs, cw * Math.SQRT1_2);
    const shown = d3.range(0, grid.cols, step);
    g.append("g")
      .attr("class", "gb-col-labels")
      .attr("font-size", size)
      .selectAll("text")
      .data(shown)
      .join("text")
      .attr("transform", (c) => `translate(${cells.x + (c + 0.5) * cw},${cells.y + cells.height + 6}) rotate(-45)`)
      .attr("dy", "0.35em")
      .attr("text-anchor", "end")
      .attr("data-position", (c) => (colsArePositions ? c : null))
      .text((c) => labelText(colLabels[c] ?? ""));
  } else if (grid.cols > 0) {
    const x = d3
      .scaleLinear()
      .domain([0, grid.cols])
      .range([cells.x, cells.x + cells.width]);
    const axis = d3
      .axisBottom(x)
      .ticks(Math.max(2, Math.min(grid.cols, Math.floor(cells.width / 80))))
      .tickFormat(d3.format("d"));
    styleAxis(
      g
        .append("g")
        .attr("transform", `translate(0,${cells.y + cells.height})`)
        .call(axis) as unknown as GSelection,
      theme
    );
  }
  if (!spec.compact) {
    axisTitle(g, theme, spec.rowTitle, outer.x + theme.fontSize, cells.y + cells.height / 2, true);
    axisTitle(g, theme, spec.colTitle, cells.x + cells.width / 2, cells.y + cells.height + colLabelDepth + titleSpace);
  }

  const cursor = g.append("g").attr("class", "gb-cursor").attr("fill", "none").attr("stroke", theme.highlight);
  return {
    cells,
    bottom: cells.y + cells.height + colLabelDepth + (spec.compact ? 0 : titleSpace + theme.fontSize * 0.4),
    lookup(x, y) {
      const at = cellAt(grid, cells, x, y);
      return at ? spec.tip(at.row, at.col, grid.values[at.row * grid.cols + at.col]!) : null;
    },
    highlight(position) {
      cursor.selectAll("*").remove();
      if (position === null) return;
      if (rowsArePositions && position < grid.rows) {
        cursor
          .append("rect")
          .attr("x", cells.x - 1)
          .attr("y", cells.y + position * ch - 1)
          .attr("width", cells.width + 2)
          .attr("height", ch + 2)
          .attr("stroke-width", 2);
      }
      if (colsArePositions && position < grid.cols) {
        cursor
          .append("rect")
          .attr("x", cells.x + position * cw - 1)
          .attr("y", cells.y - 1)
          .attr("width", cw + 2)
          .attr("height", cells.height + 2)
          .attr("stroke-width", 2);
      }
    }
  };
}

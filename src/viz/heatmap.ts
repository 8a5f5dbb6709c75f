// Activation heatmap: positions × dims (or heads × positions, or anything row-major), diverging colours centred on
// zero, token labels, canvas-backed above SVG_CELL_LIMIT cells. P = positions (rows), D = dims (cols).
import {cellMode, RASTERS, toGrid, toLabels, type Raster} from "./cells.ts";
import {createFigure, type GSelection} from "./figure.ts";
import {finiteStats, formatNumber, nonFiniteNote, showToken} from "./format.ts";
import {heatmapPanel, POSITION_AXES, type PositionAxis} from "./heatmap-panel.ts";
import {subscribeHighlight} from "./highlight.ts";
import {cornerRamp, rampPlace} from "./legend.ts";
import {
  frameDefaults,
  keyword,
  textOrNull,
  toFrameOptions,
  withDefaults,
  text,
  type FrameOptions,
  type FrameSpec
} from "./options.ts";
import {addTooltip} from "./tooltip.ts";

export interface HeatmapData {
  values: ArrayLike<number>; // (rows, cols) row-major, e.g. [P, D] from blocks.{l}.hook_resid_post
  rows: number;
  cols: number;
  /** one label per row (e.g. token strings); omitted = numeric index axis */
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
}

export type HeatmapScale = "diverging" | "sequential";

export interface HeatmapSpec extends FrameSpec {
  /** Axis title of the rows. Default "position". */
  rowTitle?: string;
  /** Axis title of the columns. Default "dimension". */
  colTitle?: string;
  /** "diverging" (default; centred on zero, blue < 0 < red) or "sequential" (viridis, min..max). */
  scale?: HeatmapScale;
  /** Colour domain [lo, hi]; default ±max|v| (diverging) or [min, max] (sequential). Values outside are clamped. */
  domain?: readonly [number, number] | null;
  /** Legend label with units. Default "activation". */
  unit?: string;
  /** "auto" (default; canvas above 4096 cells), "svg" or "canvas". */
  raster?: Raster;
  /** Highlight channel to follow (see highlight.ts); null = none. Default "tokens". */
  link?: string | null;
  /** Which axis holds token positions. Default "rows". */
  positionAxis?: PositionAxis;
}

export interface HeatmapOptions extends FrameOptions {
  rowTitle: string;
  colTitle: string;
  scale: HeatmapScale;
  domain: readonly [number, number] | null;
  unit: string;
  raster: Raster;
  link: string | null;
  positionAxis: PositionAxis;
}

export function toHeatmapOptions(spec?: HeatmapSpec, title = "Activations"): HeatmapOptions {
  const o = withDefaults(spec, {
    ...frameDefaults(title),
    rowTitle: "position",
    colTitle: "dimension",
    scale: "diverging" as string,
    domain: null as readonly [number, number] | null,
    unit: "activation",
    raster: "auto" as string,
    link: "tokens" as string | null,
    positionAxis: "rows" as string
  });
  return {
    ...toFrameOptions(o),
    rowTitle: text(o.rowTitle, "rowTitle"),
    colTitle: text(o.colTitle, "colTitle"),
    scale: keyword(o.scale, "scale", ["diverging", "sequential"]),
    domain: toDomain(o.domain),
    unit: text(o.unit, "unit"),
    raster: keyword(o.raster, "raster", RASTERS),
    link: textOrNull(o.link, "link"),
    positionAxis: keyword(o.positionAxis, "positionAxis", POSITION_AXES)
  };
}

function toDomain(d: unknown): readonly [number, number] | null {
  if (d === null) return null;
  if (!Array.isArray(d) || d.length !== 2 || !(d[0] < d[1]) || !d.every(Number.isFinite)) {
    throw new Error(`invalid domain: ${d}`);
  }
  return [d[0], d[1]];
}

/** Colour domain from data: symmetric around zero for diverging scales so white (or the dark mid-tone) means 0. */
export function heatmapDomain(
  stats: {min: number; max: number; count: number},
  scale: HeatmapScale
): readonly [number, number] {
  if (!stats.count) return scale === "diverging" ? [-1, 1] : [0, 1];
  if (scale === "diverging") {
    const m = Math.max(Math.abs(stats.min), Math.abs(stats.max)) || 1;
    return [-m, m];
  }
  return stats.min < stats.max ? [stats.min, stats.max] : [stats.min - 0.5, stats.max + 0.5];
}

export function activationHeatmap(data: HeatmapData, spec?: HeatmapSpec): SVGSVGElement {
  return drawHeatmap(data, toHeatmapOptions(spec), "heatmap");
}

/** How the cells fill the box: stretched to it (default), or square and the figure cut to the height they need. */
export interface HeatmapLayout {
  square?: boolean;
  /** with `square`: cells up to this many times as tall as wide, where the height allows */
  tallCells?: number;
}

/** The shared body of `activationHeatmap` and `blockSqnrHeatmap`. */
export function drawHeatmap(
  data: HeatmapData,
  options: HeatmapOptions,
  kind: string,
  layout: HeatmapLayout = {}
): SVGSVGElement {
  const grid = toGrid(data.values, data.rows, data.cols);
  const rowLabels = toLabels(data.rowLabels, grid.rows, "rowLabels");
  const colLabels = toLabels(data.colLabels, grid.cols, "colLabels");
  const stats = finiteStats(grid.values);
  const domain = options.domain ?? heatmapDomain(stats, options.scale);
  const theme = options.theme;
  const mode = cellMode(document, grid.rows * grid.cols, options.raster);
  const notes = [nonFiniteNote(stats, "clamped")];
  if (stats.nan) notes[0] += " (drawn grey)";
  if (mode === "unavailable") notes.push(`${grid.rows * grid.cols} cells need a canvas, which this environment lacks`);
  const place = rampPlace(options.width);
  const fig = createFigure(options, kind, notes.filter(Boolean), place.beside);
  const color = options.scale === "diverging" ? theme.diverging : theme.sequential;
  const top = cornerRamp(fig, place, {color, domain, label: options.unit});
  const box = {x: 8, y: top, width: fig.width - 32, height: fig.bottom - top};
  const empty = grid.rows === 0 || grid.cols === 0;
  const summaryShape = `${grid.rows} ${options.rowTitle}s × ${grid.cols} ${options.colTitle}s`;
  if (empty) {
    fig.message("no data");
    return fig.finish(`${options.title || "Heatmap"}: no data.`);
  }
  const g = fig.svg.append("g") as GSelection;
  const rowName = options.rowTitle;
  const colName = options.colTitle;
  const panel = heatmapPanel(g, theme, box, {
    grid,
    colors: {color, domain, missing: theme.missing},
    mode,
    rowLabels,
    colLabels,
    rowTitle: rowName,
    colTitle: colName,
    positionAxis: options.positionAxis,
    compact: false,
    square: !!layout.square,
    tallCells: layout.tallCells,
    tip: (r, c, v) =>
      [
        `${rowName} ${r}${rowLabels ? ` “${showToken(rowLabels[r]!)}”` : ""}`,
        `${colName} ${c}${colLabels ? ` “${showToken(colLabels[c]!)}”` : ""}`,
        `${options.unit} ${formatNumber(v)}`
      ].join("\n")
  });
  if (layout.square) fig.fitHeight(panel.bottom);
  if (mode === "unavailable") fig.message("canvas unavailable: cells not drawn", panel.cells);
  addTooltip(fig, [panel.lookup]);
  const svg = fig.finish(
    `${options.title || "Heatmap"}: ${summaryShape}; ${options.unit} from ${formatNumber(stats.min)} to ` +
      `${formatNumber(stats.max)}, ${options.scale} colour scale from ${formatNumber(domain[0])} to ` +
      `${formatNumber(domain[1])}.`
  );
  if (options.link !== null) subscribeHighlight(svg, options.link, panel.highlight);
  return svg;
}

// The x/y line-and-point body shared by the loss curve, SQNR vs bits, residual-stream norm and cost vs sequence
// length: linear or log scales, one colour per series (Okabe–Ito), dashed guide lines, a line legend, hover on the
// nearest point, non-finite (or, on log axes, non-positive) points left out with a note.
import * as d3 from "d3";
import {axisTitle, createFigure, styleAxis, type GSelection} from "./figure.ts";
import {formatNumber, textWidth, type NonFinite} from "./format.ts";
import {swatchLegend, type Swatch} from "./legend.ts";
import type {FrameOptions} from "./options.ts";
import {addTooltip} from "./tooltip.ts";
import {tickCountUp, ticksAcross} from "./ticks.ts";

export type AxisScale = "linear" | "log";

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** label per point, drawn next to it (e.g. scheme names) */
  pointLabels?: readonly string[];
}

export interface Guide {
  name: string;
  /** two points of a straight line (in data units) */
  from: readonly [number, number];
  to: readonly [number, number];
}

export interface LineAxes {
  xLabel: string;
  yLabel: string;
  xScale: AxisScale;
  yScale: AxisScale;
  /** integer ticks only (layers, bits) */
  xIntegers: boolean;
  /** include y = 0 in the domain (linear only) */
  yZero: boolean;
  markers: boolean;
  /** how a point reads in the tooltip, e.g. (x, y) => `${x} bits: ${y} dB` */
  tip: (series: string, x: number, y: number, label: string | undefined) => string;
}

interface Point {
  series: number;
  x: number;
  y: number;
  label: string | undefined;
}

function usable(v: number, scale: AxisScale): boolean {
  return Number.isFinite(v) && (scale === "linear" || v > 0);
}

export function drawLineChart(
  options: FrameOptions,
  kind: string,
  series: readonly LineSeries[],
  guides: readonly Guide[],
  axes: LineAxes,
  summary: (points: number) => string
): SVGSVGElement {
  const theme = options.theme;
  const points: Point[] = [];
  const dropped: NonFinite = {nan: 0, posInf: 0, negInf: 0};
  let nonPositive = 0;
  series.forEach((s, i) => {
    if (s.x.length !== s.y.length) throw new Error(`invalid series ${s.name}: ${s.x.length} x values, ${s.y.length} y`);
    for (let j = 0; j < s.x.length; j++) {
      const x = s.x[j]!;
      const y = s.y[j]!;
      if (usable(x, axes.xScale) && usable(y, axes.yScale)) points.push({series: i, x, y, label: s.pointLabels?.[j]});
      else if (Number.isNaN(x) || Number.isNaN(y)) dropped.nan++;
      else if (x === Infinity || y === Infinity) dropped.posInf++;
      else if (x === -Infinity || y === -Infinity) dropped.negInf++;
      else nonPositive++;
    }
  });
  const notes: string[] = [];
  const bad = dropped.nan + dropped.posInf + dropped.negInf;
  if (bad) notes.push(`${bad} point${bad === 1 ? "" : "s"} with NaN or ±Infinity not drawn`);
  if (nonPositive) notes.push(`${nonPositive} point${nonPositive === 1 ? "" : "s"} ≤ 0 not drawn on the log axis`);
  const fig = createFigure(options, kind, notes);
  const swatches: Swatch[] = series.map((s, i) => ({
    label: s.name,
    color: theme.categorical[i % theme.categorical.length]!,
    line: true
  }));
  for (const guide of guides) swatches.push({label: guide.name, color: theme.muted, line: true, dash: "6 4"});
  const legendHeight = swatches.length > 1 ? swatchLegend(fig.svg, theme, 16, fig.top, fig.width - 32, swatches) : 0;
  const margin = {top: fig.top + legendHeight + 8, right: 32, bottom: theme.fontSize * 3.6, left: 86};
  const box = {
    x: margin.left,
    y: margin.top,
    width: fig.width - margin.left - margin.right,
    height: fig.bottom - margin.top - margin.bottom
  };
  if (!points.length) {
    fig.message("no data", box);
    return fig.finish(`${options.title || kind}: no data.`);
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  for (const g of guides) {
    if (usable(g.from[1], axes.yScale) && usable(g.to[1], axes.yScale)) ys.push(g.from[1], g.to[1]);
  }
  const extent = (v: number[], scale: AxisScale, zero: boolean): [number, number] => {
    let [lo, hi] = d3.extent(v) as [number, number];
    if (zero && scale === "linear") [lo, hi] = [Math.min(0, lo), Math.max(0, hi)];
    if (lo === hi) return scale === "log" ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
    return [lo, hi];
  };
  const makeScale = (scale: AxisScale) => (scale === "log" ? d3.scaleLog().base(2) : d3.scaleLinear());
  const x = makeScale(axes.xScale)
    .domain(extent(xs, axes.xScale, false))
    .range([box.x, box.x + box.width]);
  const y = makeScale(axes.yScale)
    .domain(extent(ys, axes.yScale, axes.yZero))
    .range([box.y + box.height, box.y]);
  if (axes.xScale === "linear") {
    // room for markers and their labels at both ends
    const [d0, d1] = x.domain() as [number, number];
    const pad = axes.markers ? (d1 - d0) * 0.04 : 0;
    x.domain([d0 - pad, d1 + pad]);
  }
  if (axes.yScale === "linear") {
    const [d0, d1] = y.domain() as [number, number];
    const pad = axes.markers && !axes.yZero ? (d1 - d0) * 0.05 : 0;
    y.domain([d0 - pad, d1 + pad]).nice();
  }
  const xTicks = axes.xIntegers
    ? ticksAcross(x, 12, formatNumber, theme.fontSize * 0.87).filter(Number.isInteger)
    : ticksAcross(x, Math.floor(box.width / 90), formatNumber, theme.fontSize * 0.87);
  const grid = fig.svg.append("g").attr("stroke", theme.grid);
  const yCount = tickCountUp(box.height, 6);
  for (const t of y.ticks(yCount))
    grid
      .append("line")
      .attr("x1", box.x)
      .attr("x2", box.x + box.width)
      .attr("y1", y(t))
      .attr("y2", y(t));
  const xAxis = d3
    .axisBottom(x)
    .tickValues(xTicks)
    .tickFormat((v) => formatNumber(+v));
  const yAxis = d3
    .axisLeft(y)
    .ticks(yCount)
    .tickFormat((v) => formatNumber(+v));
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(0,${box.y + box.height})`)
      .call(xAxis) as unknown as GSelection,
    theme
  );
  styleAxis(fig.svg.append("g").attr("transform", `translate(${box.x},0)`).call(yAxis) as unknown as GSelection, theme);
  axisTitle(fig.svg, theme, axes.xLabel, box.x + box.width / 2, box.y + box.height + theme.fontSize * 3);
  axisTitle(fig.svg, theme, axes.yLabel, 22, box.y + box.height / 2, true);
  const plot = fig.svg.append("g").attr("class", "gb-marks");
  for (const g of guides) {
    plot
      .append("line")
      .attr("class", "gb-guide")
      .attr("x1", x(g.from[0]))
      .attr("y1", y(g.from[1]))
      .attr("x2", x(g.to[0]))
      .attr("y2", y(g.to[1]))
      .attr("stroke", theme.muted)
      .attr("stroke-width", 2)
      .attr("stroke-dasharray", "6 4");
  }
  const labelSize = theme.fontSize * 0.87;
  // what a label must not cover: the markers, and the lines (series and guides) sampled every few px
  const obstacles = points.map((p) => ({x: x(p.x), y: y(p.y), r: 6}));
  const along = (x0: number, y0: number, x1: number, y1: number) => {
    const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 4);
    for (let k = 1; k < n; k++) obstacles.push({x: x0 + ((x1 - x0) * k) / n, y: y0 + ((y1 - y0) * k) / n, r: 2});
  };
  series.forEach((_, i) => {
    const own = points.filter((p) => p.series === i);
    for (let k = 1; k < own.length; k++) along(x(own[k - 1]!.x), y(own[k - 1]!.y), x(own[k]!.x), y(own[k]!.y));
  });
  for (const g of guides) along(x(g.from[0]), y(g.from[1]), x(g.to[0]), y(g.to[1]));
  const placer = labelPlacer(box, obstacles, labelSize);
  series.forEach((_, i) => {
    const color = theme.categorical[i % theme.categorical.length]!;
    const own = points.filter((p) => p.series === i);
    plot
      .append("path")
      .attr("fill", "none")
      .attr("stroke", color)
      .attr("stroke-width", 2.5)
      .attr(
        "d",
        d3
          .line<Point>()
          .x((p) => x(p.x))
          .y((p) => y(p.y))(own)
      );
    if (axes.markers) {
      for (const p of own)
        plot.append("circle").attr("cx", x(p.x)).attr("cy", y(p.y)).attr("r", 4.5).attr("fill", color);
    }
  });
  if (axes.markers && points.some((p) => p.label)) {
    // labels after every marker, in x order, each where it overlaps no other label, marker or the frame (the
    // tooltip still names a point whose label found no room)
    const labels = plot.append("g").attr("class", "gb-point-labels").attr("font-size", labelSize);
    for (const p of [...points].sort((a, b) => a.x - b.x || b.y - a.y)) {
      if (!p.label) continue;
      const spot = placer(x(p.x), y(p.y), p.label);
      if (!spot) continue;
      if (spot.leader)
        labels
          .append("line")
          .attr("x1", x(p.x))
          .attr("y1", y(p.y))
          .attr("x2", spot.leader.x)
          .attr("y2", spot.leader.y)
          .attr("stroke", theme.muted)
          .attr("stroke-width", 1);
      labels
        .append("text")
        .attr("x", spot.x)
        .attr("y", spot.y)
        .attr("text-anchor", spot.anchor)
        .attr("dy", "0.35em")
        .text(p.label);
    }
  }
  addTooltip(fig, [
    (px, py) => {
      let best: Point | undefined;
      let bestD = 30 * 30;
      for (const p of points) {
        const d = (x(p.x) - px) ** 2 + (y(p.y) - py) ** 2;
        if (d < bestD) [best, bestD] = [p, d];
      }
      return best ? axes.tip(series[best.series]!.name, best.x, best.y, best.label) : null;
    }
  ]);
  return fig.finish(summary(points.length));
}

/**
 * Where a point's label may go, in order: [lines above (−) or below (+) the point, set further aside]. Next to the
 * point first, then up to three lines off, then further aside (past a steep line through the point) up to five.
 */
const SPOTS: readonly (readonly [number, boolean])[] = [
  ...[0, -1, 1, -2, 2, -3, 3].map((l) => [l, false] as const),
  ...[0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5].map((l) => [l, true] as const)
];

interface Spot {
  /** the label's anchor point (vertical middle) and text-anchor */
  x: number;
  y: number;
  anchor: "start" | "end";
  /** where a leader line from the point ends, for labels set away from their point */
  leader: {x: number; y: number} | null;
}

/**
 * Places point labels one at a time, at the first of SPOTS (right of the point, then left) that keeps the label's estimated box clear of every label placed so far, of every
 * obstacle (markers, sampled lines) and inside the plot's frame; a label off its point gets a leader line. Returns
 * null when no spot is free.
 */
export function labelPlacer(
  frame: {x: number; y: number; width: number; height: number},
  obstacles: readonly {x: number; y: number; r: number}[],
  fontSize: number
): (px: number, py: number, label: string) => Spot | null {
  const taken: {x0: number; x1: number; y0: number; y1: number}[] = [];
  const h = fontSize * 1.25;
  const hits = (b: {x0: number; x1: number; y0: number; y1: number}) =>
    taken.some((t) => b.x0 < t.x1 && t.x0 < b.x1 && b.y0 < t.y1 && t.y0 < b.y1) ||
    obstacles.some((m) => m.x + m.r > b.x0 && m.x - m.r < b.x1 && m.y + m.r > b.y0 && m.y - m.r < b.y1);
  return (px, py, label) => {
    const w = textWidth(label, fontSize);
    for (const [lines, away] of SPOTS) {
      for (const anchor of ["start", "end"] as const) {
        const dx = lines === 0 && !away ? 8 : away ? 36 : 12;
        const x = anchor === "start" ? px + dx : px - dx;
        const y = lines === 0 ? py : py + lines * h;
        const b = {
          x0: anchor === "start" ? x : x - w,
          x1: anchor === "start" ? x + w : x,
          y0: y - h / 2,
          y1: y + h / 2
        };
        if (b.x0 < frame.x || b.x1 > frame.x + frame.width || b.y0 < frame.y - 4 || b.y1 > frame.y + frame.height)
          continue;
        if (hits(b)) continue;
        taken.push(b);
        return {x, y, anchor, leader: lines === 0 && !away ? null : {x: anchor === "start" ? x - 2 : x + 2, y}};
      }
    }
    return null;
  };
}

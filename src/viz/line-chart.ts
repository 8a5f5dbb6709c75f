// The x/y line-and-point body shared by the loss curve, SQNR vs bits, residual-stream norm and cost vs sequence
// length: linear or log scales, one colour per series (Okabe–Ito), dashed guide lines, a line legend, hover on the
// nearest point, non-finite (or, on log axes, non-positive) points left out with a note.
import * as d3 from "d3";
import {axisTitle, createFigure, styleAxis, type GSelection} from "./figure.ts";
import {formatNumber, type NonFinite} from "./format.ts";
import {swatchLegend, type Swatch} from "./legend.ts";
import type {FrameOptions} from "./options.ts";
import {addTooltip} from "./tooltip.ts";

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
    ? x.ticks(Math.min(12, Math.floor(box.width / 60))).filter(Number.isInteger)
    : x.ticks(Math.floor(box.width / 90));
  const grid = fig.svg.append("g").attr("stroke", theme.grid);
  for (const t of y.ticks(6))
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
    .ticks(6)
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
  const placed: {x: number; y: number}[] = [];
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
      for (const p of own) {
        plot.append("circle").attr("cx", x(p.x)).attr("cy", y(p.y)).attr("r", 4.5).attr("fill", color);
        if (p.label) {
          // flip below the point when a label is already there (e.g. Q4_0 and NF4 at 4.5 bits)
          const lx = x(p.x) + 7;
          const above = y(p.y) - 7;
          const collides = placed.some((q) => Math.abs(q.x - lx) < 60 && Math.abs(q.y - above) < theme.fontSize);
          const ly = collides ? y(p.y) + theme.fontSize + 4 : above;
          placed.push({x: lx, y: ly});
          plot
            .append("text")
            .attr("x", lx)
            .attr("y", ly)
            .attr("font-size", theme.fontSize * 0.87)
            .text(p.label);
        }
      }
    }
  });
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

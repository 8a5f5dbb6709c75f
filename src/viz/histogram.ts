// Histogram body shared by the weight and error histograms: several value sets on the same bins (the first as
// filled bars, the rest as step outlines), vertical rules (quantization levels), shaded spans (clipped range), a
// linear or log count axis. Non-finite values are counted in a note, never binned.
import * as d3 from "d3";
import {axisTitle, createFigure, styleAxis, type GSelection} from "./figure.ts";
import {addNonFinite, finiteStats, formatNumber, nonFiniteNote, type NonFinite} from "./format.ts";
import {swatchLegend, type Swatch} from "./legend.ts";
import type {FrameOptions} from "./options.ts";
import {addTooltip} from "./tooltip.ts";
import {tickCountUp, ticksAcross} from "./ticks.ts";

export interface HistogramLayer {
  name: string;
  values: ArrayLike<number>;
}

export interface Rule {
  x: number;
}

export interface HistogramAxes {
  xLabel: string;
  bins: number;
  yScale: "linear" | "log";
  /** vertical lines, e.g. quantization levels */
  rules: readonly number[];
  rulesName: string;
  /** x spans drawn shaded, e.g. the clipped tails */
  shade: readonly (readonly [number, number])[];
  shadeName: string;
}

export function drawHistogram(
  options: FrameOptions,
  kind: string,
  layers: readonly HistogramLayer[],
  axes: HistogramAxes,
  extraNotes: readonly string[],
  summary: (stats: {min: number; max: number; count: number}) => string
): SVGSVGElement {
  const theme = options.theme;
  const fs = theme.fontSize;
  let nonFinite: NonFinite = {nan: 0, posInf: 0, negInf: 0};
  const finite = layers.map((l) => {
    const s = finiteStats(l.values);
    nonFinite = addNonFinite(nonFinite, s);
    return {stats: s, values: Float64Array.from(l.values).filter(Number.isFinite)};
  });
  const notes = [nonFiniteNote(nonFinite), ...extraNotes].filter(Boolean);
  const fig = createFigure(options, kind, notes);
  const colors = [theme.categorical[0]!, theme.categorical[5]!, theme.categorical[2]!];
  const swatches: Swatch[] = layers.map((l, i) => ({label: l.name, color: colors[i % colors.length]!, line: i > 0}));
  if (axes.rules.length) swatches.push({label: axes.rulesName, color: theme.muted, line: true, dash: "3 3"});
  if (axes.shade.length) swatches.push({label: axes.shadeName, color: theme.missing});
  const legendHeight = swatchLegend(fig.svg, theme, 16, fig.top, fig.width - 32, swatches);
  const box = {x: 86, y: fig.top + legendHeight + 8, width: fig.width - 86 - 32, height: 0};
  box.height = fig.bottom - box.y - fs * 3.6;
  const all = finite.flatMap((f) => (f.stats.count ? [f.stats.min, f.stats.max] : []));
  const stats0 = finite[0]?.stats ?? {min: NaN, max: NaN, count: 0};
  if (!all.length) {
    fig.message("no data", box);
    return fig.finish(`${options.title || kind}: no data.`);
  }
  const lo = Math.min(...all, ...axes.rules.filter(Number.isFinite));
  const hi = Math.max(...all, ...axes.rules.filter(Number.isFinite));
  const x = d3
    .scaleLinear()
    .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
    .nice()
    .range([box.x, box.x + box.width]);
  const thresholds = x.ticks(axes.bins);
  const bin = d3
    .bin()
    .domain(x.domain() as [number, number])
    .thresholds(thresholds);
  const binned = finite.map((f) => bin(f.values as unknown as number[]));
  const maxCount = d3.max(binned.flat(), (b) => b.length) ?? 1;
  const y = (
    axes.yScale === "log" ? d3.scaleLog().domain([0.8, Math.max(1, maxCount)]) : d3.scaleLinear().domain([0, maxCount])
  )
    .nice()
    .range([box.y + box.height, box.y]);
  const countY = (n: number) => (axes.yScale === "log" ? y(Math.max(0.8, n)) : y(n));
  const marks = fig.svg.append("g").attr("class", "gb-marks");
  for (const [a, b] of axes.shade) {
    const x0 = x(Math.max(a, x.domain()[0]!));
    const x1 = x(Math.min(b, x.domain()[1]!));
    if (x1 > x0)
      marks
        .append("rect")
        .attr("x", x0)
        .attr("y", box.y)
        .attr("width", x1 - x0)
        .attr("height", box.height)
        .attr("fill", theme.missing)
        .attr("fill-opacity", 0.35);
  }
  const bars = marks.append("g").attr("fill", colors[0]!);
  for (const b of binned[0]!) {
    if (!b.length) continue;
    bars
      .append("rect")
      .attr("x", x(b.x0!) + 0.5)
      .attr("y", countY(b.length))
      .attr("width", Math.max(0.5, x(b.x1!) - x(b.x0!) - 1))
      .attr("height", box.y + box.height - countY(b.length))
      .attr("data-tip", `${layers[0]!.name}\n[${formatNumber(b.x0!)}, ${formatNumber(b.x1!)})\n${b.length} values`);
  }
  binned.slice(1).forEach((bins, i) => {
    // the step curve needs a closing point at the last bin's right edge, with that bin's count (a copy keeps the
    // bin's length: spreading an array into an object would drop it and draw a NaN)
    const last = bins[bins.length - 1]!;
    const end = Object.assign([...last], {x0: last.x1, x1: last.x1});
    const line = d3
      .line<d3.Bin<number, number>>()
      .curve(d3.curveStepAfter)
      .x((b) => x(b.x0!))
      .y((b) => countY(b.length));
    marks
      .append("path")
      .attr("fill", "none")
      .attr("stroke", colors[(i + 1) % colors.length]!)
      .attr("stroke-width", 2.5)
      .attr("d", line([...bins, end]));
  });
  const rules = marks
    .append("g")
    .attr("stroke", theme.foreground)
    .attr("stroke-opacity", 0.6)
    .attr("stroke-dasharray", "3 3");
  for (const r of axes.rules) {
    if (Number.isFinite(r))
      rules
        .append("line")
        .attr("x1", x(r))
        .attr("x2", x(r))
        .attr("y1", box.y)
        .attr("y2", box.y + box.height);
  }
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(0,${box.y + box.height})`)
      .call(
        d3
          .axisBottom(x)
          .tickValues(ticksAcross(x, 8, formatNumber, fs * 0.87))
          .tickPadding(6) // clear of the count axis's bottom label at the corner
          .tickFormat((v) => formatNumber(+v))
      ) as unknown as GSelection,
    theme
  );
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(${box.x},0)`)
      .call(
        d3.axisLeft(y).ticks(tickCountUp(box.height, 5), axes.yScale === "log" ? "~s" : undefined)
      ) as unknown as GSelection,
    theme
  );
  axisTitle(fig.svg, theme, axes.xLabel, box.x + box.width / 2, box.y + box.height + fs * 3);
  axisTitle(fig.svg, theme, axes.yScale === "log" ? "count (log)" : "count", 22, box.y + box.height / 2, true);
  addTooltip(fig);
  return fig.finish(summary(stats0));
}

// Stacked bars, vertical (one bar per step or layer) or horizontal (one bar per labelled row): the body of the timing
// charts, the memory bar and the per-layer metric bars. Each part has a category (colour + optional hatch), a
// tooltip, and the total is written at the end of each bar. Negative or non-finite parts are not drawn (noted).
import * as d3 from "d3";
import {axisTitle, createFigure, nextId, styleAxis, type GSelection} from "./figure.ts";
import {textWidth, truncate} from "./format.ts";
import {swatchLegend} from "./legend.ts";
import type {FrameOptions} from "./options.ts";
import {ticksAcross} from "./ticks.ts";
import {addTooltip} from "./tooltip.ts";

/** The least share of a bar chart's width the bars keep, however long the row labels. */
const MIN_PLOT_SHARE = 0.3;

export interface BarCategory {
  name: string;
  color: string;
  /** draw a diagonal hatch over the colour */
  hatch?: boolean;
}

export interface BarRow {
  label: string;
  /** one value per category (0 = absent) */
  parts: readonly number[];
  /** text at the end of the bar; default the formatted total */
  note?: string;
}

export interface BarAxes {
  orientation: "vertical" | "horizontal";
  valueLabel: string;
  rowTitle: string;
  format: (v: number) => string;
  /** show the category legend */
  legend: boolean;
  /** tooltip for one part */
  tip: (row: BarRow, category: BarCategory, value: number, total: number) => string;
}

export function drawBarChart(
  options: FrameOptions,
  kind: string,
  categories: readonly BarCategory[],
  rows: readonly BarRow[],
  axes: BarAxes,
  summary: string,
  extraNotes: readonly string[] = []
): SVGSVGElement {
  const theme = options.theme;
  const fs = theme.fontSize;
  let invalid = 0;
  const clean = rows.map((row) => {
    if (row.parts.length !== categories.length) {
      throw new Error(`invalid row ${row.label}: ${row.parts.length} parts for ${categories.length} categories`);
    }
    return row.parts.map((v) => (Number.isFinite(v) && v >= 0 ? v : (invalid++, 0)));
  });
  const notes = [...extraNotes];
  if (invalid) notes.push(`${invalid} negative, NaN or infinite value${invalid === 1 ? "" : "s"} not drawn`);
  const fig = createFigure(options, kind, notes);
  const hatchId = nextId("hatch");
  const hatch = fig.svg
    .append("defs")
    .append("pattern")
    .attr("id", hatchId)
    .attr("width", 8)
    .attr("height", 8)
    .attr("patternUnits", "userSpaceOnUse")
    .attr("patternTransform", "rotate(45)");
  hatch
    .append("line")
    .attr("x1", 0)
    .attr("y1", 0)
    .attr("x2", 0)
    .attr("y2", 8)
    .attr("stroke", theme.background)
    .attr("stroke-width", 3);
  const legendHeight = axes.legend
    ? swatchLegend(
        fig.svg,
        theme,
        16,
        fig.top,
        fig.width - 32,
        categories.map((c) => ({label: c.name, color: c.color, overlay: c.hatch ? `url(#${hatchId})` : undefined}))
      )
    : 0;
  const top = fig.top + legendHeight + 10;
  const totals = clean.map((parts) => d3.sum(parts));
  const max = d3.max(totals) || 1;
  const vertical = axes.orientation === "vertical";
  // On a narrow chart the row labels give way (truncated to fit) before the bars do: the plot keeps at least
  // MIN_PLOT_SHARE of the width, so no bar can get a negative size.
  const maxNote = Math.max(0, ...rows.map((r, i) => textWidth(r.note ?? axes.format(totals[i]!), fs * 0.87)));
  const labelRoom = Math.max(40, Math.min(260, fig.width * (1 - MIN_PLOT_SHARE) - 16 - 12 - maxNote - 24));
  const labelChars = Math.max(4, Math.min(30, Math.floor(labelRoom / (fs * 0.6))));
  const labelWidth = vertical
    ? 0
    : Math.min(labelRoom, Math.max(40, ...rows.map((r) => textWidth(truncate(r.label, labelChars), fs))));
  const minPlot = fig.width * MIN_PLOT_SHARE;
  // Vertical bars: labels side by side while the widest fits its band, else turned 45° (they then need only a line's
  // height of band each, so every bar keeps its label, and more depth below the bars), and only past that every
  // step-th label.
  const plotWidth = Math.max(minPlot, fig.width - 86 - 24);
  const fitsAcross = (labels: string[]) =>
    Math.max(0, ...labels.map((l) => textWidth(l, fs * 0.87))) + 6 <= plotWidth / (rows.length + 0.2);
  let bandLabels = rows.map((r) => truncate(r.label, vertical ? 30 : labelChars));
  const turn = vertical && rows.length > 1 && !fitsAcross(bandLabels);
  if (turn) {
    // turned labels take at most 40 % of the height below the headings (the bars keep the rest)
    const depth = (fig.bottom - top - fs * 5.4) * 0.4;
    const chars = Math.max(4, Math.floor(depth / Math.SQRT1_2 / textWidth("0", fs * 0.87)));
    bandLabels = bandLabels.map((l) => truncate(l, chars));
  }
  const widestLabel = Math.max(0, ...bandLabels.map((l) => textWidth(l, fs * 0.87)));
  const labelDepth = turn ? widestLabel * 0.71 : 0;
  const box = vertical
    ? {
        x: 86,
        y: top + fs * 1.4,
        width: plotWidth,
        height: Math.max(fs * 2, fig.bottom - top - fs * 1.4 - fs * 4 - labelDepth)
      }
    : {
        x: 16 + labelWidth + 12,
        y: top,
        width: Math.max(minPlot, fig.width - 16 - labelWidth - 12 - maxNote - 24),
        height: Math.max(fs * 2, fig.bottom - top - fs * 3.4)
      };
  if (!rows.length) {
    fig.message("no data", box);
    return fig.finish(`${options.title || kind}: no data.`);
  }
  const band = d3
    .scaleBand<number>()
    .domain(d3.range(rows.length))
    .range(vertical ? [box.x, box.x + box.width] : [box.y, box.y + box.height])
    .padding(0.2);
  const value = d3
    .scaleLinear()
    .domain([0, max])
    .nice()
    .range(vertical ? [box.y + box.height, box.y] : [box.x, box.x + box.width]);
  const grid = fig.svg.append("g").attr("stroke", theme.grid);
  // up, at most one labelled tick per 40 px; across, as many as keep their labels apart
  const ticks = vertical
    ? value.ticks(Math.max(2, Math.min(5, Math.floor(box.height / 40))))
    : ticksAcross(value, 5, axes.format, fs * 0.87);
  for (const t of ticks) {
    if (vertical)
      grid
        .append("line")
        .attr("x1", box.x)
        .attr("x2", box.x + box.width)
        .attr("y1", value(t))
        .attr("y2", value(t));
    else
      grid
        .append("line")
        .attr("y1", box.y)
        .attr("y2", box.y + box.height)
        .attr("x1", value(t))
        .attr("x2", value(t));
  }
  const valueAxis = (vertical ? d3.axisLeft(value) : d3.axisBottom(value))
    .tickValues(ticks)
    .tickFormat((v) => axes.format(+v));
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", vertical ? `translate(${box.x},0)` : `translate(0,${box.y + box.height})`)
      .call(valueAxis) as unknown as GSelection,
    theme
  );
  const needs = vertical ? (turn ? fs * 1.3 : widestLabel + 6) : fs * 1.2;
  const step = Math.max(1, Math.ceil(needs / band.step()));
  const bandAxis = (vertical ? d3.axisBottom(band) : d3.axisLeft(band))
    .tickValues(d3.range(0, rows.length, step))
    .tickFormat((i) => bandLabels[i]!)
    .tickSize(0)
    .tickPadding(6);
  const bandG = styleAxis(
    fig.svg
      .append("g")
      .attr("transform", vertical ? `translate(0,${box.y + box.height})` : `translate(${box.x},0)`)
      .call(bandAxis) as unknown as GSelection,
    theme
  ).call((g) => g.select(".domain").remove());
  if (turn)
    bandG
      .selectAll(".tick text")
      .attr("text-anchor", "end")
      .attr("dy", "0.35em")
      .attr("transform", "translate(-4,2) rotate(-45)");
  if (vertical) {
    // turned along the value axis and no longer than it (beyond, it would run into the title): on two lines if need be
    const room = Math.max(4, Math.floor((box.height + fs * 2) / textWidth("0", fs)));
    const lines = splitInTwo(axes.valueLabel, room).map((l) => truncate(l, room));
    lines.forEach((line, i) =>
      axisTitle(fig.svg, theme, line, (lines.length > 1 ? 16 : 22) + i * fs * 1.2, box.y + box.height / 2, true)
    );
    axisTitle(fig.svg, theme, axes.rowTitle, box.x + box.width / 2, box.y + box.height + fs * 2.8 + labelDepth);
  } else {
    axisTitle(fig.svg, theme, axes.valueLabel, box.x + box.width / 2, box.y + box.height + fs * 2.8);
  }
  const marks = fig.svg.append("g").attr("class", "gb-bars");
  // totals above vertical bars: on every bar or, when one would not fit its band, on none (the tooltip has them all)
  const totalNotes = rows.map((row, i) => row.note ?? axes.format(totals[i]!));
  const notesFit = !vertical || totalNotes.every((n) => band.bandwidth() > textWidth(n, fs * 0.87) * 0.8);
  rows.forEach((row, i) => {
    let acc = 0;
    categories.forEach((category, c) => {
      const v = clean[i]![c]!;
      if (v <= 0) return;
      const a = value(acc);
      const b = value(acc + v);
      acc += v;
      const rect = vertical
        ? {x: band(i)!, y: b, width: band.bandwidth(), height: a - b}
        : {x: a, y: band(i)!, width: b - a, height: band.bandwidth()};
      const part = marks
        .append("g")
        .attr("class", `gb-part gb-part-${category.name.replace(/\W+/g, "-")}`)
        .attr("data-tip", axes.tip(row, category, v, totals[i]!));
      part
        .append("rect")
        .attr("x", rect.x)
        .attr("y", rect.y)
        .attr("width", rect.width)
        .attr("height", rect.height)
        .attr("fill", category.color);
      if (category.hatch) {
        part
          .append("rect")
          .attr("x", rect.x)
          .attr("y", rect.y)
          .attr("width", rect.width)
          .attr("height", rect.height)
          .attr("fill", `url(#${hatchId})`)
          .attr("stroke", theme.foreground)
          .attr("stroke-width", 1.5);
      }
    });
    const note = totalNotes[i]!;
    marks
      .append("text")
      .attr("class", "gb-total")
      .attr("font-size", fs * 0.87)
      .attr("x", vertical ? band(i)! + band.bandwidth() / 2 : value(totals[i]!) + 6)
      .attr("y", vertical ? value(totals[i]!) - 6 : band(i)! + band.bandwidth() / 2)
      .attr("dy", vertical ? null : "0.35em")
      .attr("text-anchor", vertical ? "middle" : "start")
      .text(notesFit ? note : "");
  });
  addTooltip(fig);
  return fig.finish(summary);
}

/** `label` as one line if it has at most `chars` characters, else two, split at the space nearest its middle. */
function splitInTwo(label: string, chars: number): string[] {
  if (label.length <= chars) return [label];
  const spaces = [...label.matchAll(/ /g)].map((m) => m.index);
  if (!spaces.length) return [label];
  const cut = spaces.reduce((a, b) => (Math.abs(b - label.length / 2) < Math.abs(a - label.length / 2) ? b : a));
  return [label.slice(0, cut), label.slice(cut + 1)];
}

// A strip of weights by index with the quantization grid drawn on: group boundaries (vertical lines), each group's
// representable levels (code × scale + offset, light horizontal lines), original weights (hollow circles),
// dequantized weights (dots) and clipped weights (vermillion ×). Shows why per-group scales follow local outliers.
import * as d3 from "d3";
import {axisTitle, createFigure, styleAxis, type GSelection} from "./figure.ts";
import {formatNumber} from "./format.ts";
import {swatchLegend} from "./legend.ts";
import {frameDefaults, integerIn, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";
import {addTooltip} from "./tooltip.ts";
import {tickCountUp, ticksAcross} from "./ticks.ts";

export interface QuantizationGridData {
  weights: ArrayLike<number>; // [n]
  dequantized: ArrayLike<number>; // [n]
  groupSize: number;
  /** [n / groupSize] scale per group */
  scales: ArrayLike<number>;
  /** normalised levels of the scheme, e.g. -8..7 for Q4_0, the 16 NF4 values for NF4 */
  codebook: ArrayLike<number>;
  /** [n / groupSize] offset (min) per group for asymmetric schemes (Q4_1); default 0 */
  offsets?: ArrayLike<number>;
}

export interface QuantizationGridSpec extends FrameSpec {
  /** First weight shown. Default 0. */
  start?: number;
  /** Number of weights shown (≤ 1024). Default 128. */
  count?: number;
}

export interface QuantizationGridOptions extends FrameOptions {
  start: number;
  count: number;
}

export function toQuantizationGridOptions(spec?: QuantizationGridSpec): QuantizationGridOptions {
  const o = withDefaults(spec, {...frameDefaults("Quantization grid per group"), start: 0, count: 128});
  return {...toFrameOptions(o), start: integerIn(o.start, "start", 0), count: integerIn(o.count, "count", 1, 1024)};
}

export function quantizationGrid(data: QuantizationGridData, spec?: QuantizationGridSpec): SVGSVGElement {
  const o = toQuantizationGridOptions(spec);
  const theme = o.theme;
  const {weights, dequantized, groupSize, scales, codebook} = data;
  const n = weights?.length ?? 0;
  if (dequantized?.length !== n) throw new Error(`invalid dequantized: length ${dequantized?.length}, expected ${n}`);
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new Error(`invalid groupSize: ${groupSize}`);
  if (scales?.length !== Math.ceil(n / groupSize))
    throw new Error(`invalid scales: length ${scales?.length}, expected ${Math.ceil(n / groupSize)}`);
  const start = Math.min(o.start, n);
  const end = Math.min(n, start + o.count);
  const levelsOf = (g: number) => Array.from(codebook, (c) => c * scales[g]! + (data.offsets?.[g] ?? 0));
  const points = d3.range(start, end).map((i) => {
    const levels = levelsOf(Math.floor(i / groupSize));
    const [lo, hi] = d3.extent(levels) as [number, number];
    const w = weights[i]!;
    return {i, w, q: dequantized[i]!, clipped: w < lo || w > hi};
  });
  const bad = points.filter((p) => !Number.isFinite(p.w) || !Number.isFinite(p.q)).length;
  const notes = [];
  if (n > end - start) notes.push(`showing weights ${start}–${end - 1} of ${n}`);
  if (bad) notes.push(`${bad} non-finite weight${bad === 1 ? "" : "s"} not drawn`);
  const fig = createFigure(
    {...o, subtitle: o.subtitle || `group size ${groupSize}, ${codebook.length} levels per group`},
    "quantization-grid",
    notes
  );
  const clippedColor = theme.categorical[5]!;
  const legendHeight = swatchLegend(fig.svg, theme, 16, fig.top, fig.width - 32, [
    {label: "original", color: theme.foreground, line: true},
    {label: "dequantized", color: theme.categorical[0]!},
    {label: "group's levels", color: theme.grid, line: true},
    {label: "group boundary", color: theme.muted, line: true, dash: "5 3"},
    {label: `clipped (${points.filter((p) => p.clipped).length})`, color: clippedColor}
  ]);
  const box = {x: 86, y: fig.top + legendHeight + 8, width: fig.width - 86 - 24, height: 0};
  box.height = fig.bottom - box.y - theme.fontSize * 3.6;
  const finite = points.filter((p) => Number.isFinite(p.w) && Number.isFinite(p.q));
  if (!finite.length) {
    fig.message("no data", box);
    return fig.finish(`${o.title}: no data.`);
  }
  const x = d3
    .scaleLinear()
    .domain([start - 0.5, end - 0.5])
    .range([box.x, box.x + box.width]);
  const groups = d3.range(Math.floor(start / groupSize), Math.ceil(end / groupSize));
  const allLevels = groups.flatMap(levelsOf).filter(Number.isFinite);
  const ext = d3.extent([...finite.flatMap((p) => [p.w, p.q]), ...allLevels]) as [number, number];
  const y = d3
    .scaleLinear()
    .domain(ext[0] === ext[1] ? [ext[0] - 1, ext[1] + 1] : ext)
    .nice()
    .range([box.y + box.height, box.y]);
  const grid = fig.svg.append("g").attr("stroke", theme.grid);
  for (const g of groups) {
    const x0 = x(Math.max(start, g * groupSize) - 0.5);
    const x1 = x(Math.min(end, (g + 1) * groupSize) - 0.5);
    for (const level of levelsOf(g))
      grid.append("line").attr("x1", x0).attr("x2", x1).attr("y1", y(level)).attr("y2", y(level));
  }
  const bounds = fig.svg.append("g").attr("stroke", theme.muted).attr("stroke-dasharray", "5 3");
  for (const g of groups) {
    const b = g * groupSize - 0.5;
    if (b > start - 0.5)
      bounds
        .append("line")
        .attr("x1", x(b))
        .attr("x2", x(b))
        .attr("y1", box.y)
        .attr("y2", box.y + box.height);
  }
  const marks = fig.svg.append("g").attr("class", "gb-marks");
  for (const p of finite) {
    const g = marks
      .append("g")
      .attr(
        "data-tip",
        `weight ${p.i} (group ${Math.floor(p.i / groupSize)})\noriginal ${formatNumber(p.w)}\ndequantized ${formatNumber(p.q)}\nerror ${formatNumber(p.w - p.q)}${p.clipped ? "\nclipped" : ""}`
      );
    g.append("line")
      .attr("x1", x(p.i))
      .attr("x2", x(p.i))
      .attr("y1", y(p.w))
      .attr("y2", y(p.q))
      .attr("stroke", theme.muted);
    g.append("circle").attr("cx", x(p.i)).attr("cy", y(p.q)).attr("r", 3).attr("fill", theme.categorical[0]!);
    if (p.clipped) {
      const s = 5;
      g.append("path")
        .attr("d", `M${x(p.i) - s},${y(p.w) - s}l${2 * s},${2 * s}m0,${-2 * s}l${-2 * s},${2 * s}`)
        .attr("stroke", clippedColor)
        .attr("stroke-width", 2.5);
    } else {
      g.append("circle")
        .attr("cx", x(p.i))
        .attr("cy", y(p.w))
        .attr("r", 4)
        .attr("fill", "none")
        .attr("stroke", theme.foreground)
        .attr("stroke-width", 1.5);
    }
  }
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(0,${box.y + box.height})`)
      .call(
        d3
          .axisBottom(x)
          .tickValues(ticksAcross(x, 8, d3.format("d"), theme.fontSize * 0.87))
          .tickFormat(d3.format("d"))
      ) as unknown as GSelection,
    theme
  );
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(${box.x},0)`)
      .call(
        d3
          .axisLeft(y)
          .ticks(tickCountUp(box.height, 6))
          .tickFormat((v) => formatNumber(+v))
      ) as unknown as GSelection,
    theme
  );
  axisTitle(fig.svg, theme, "weight index", box.x + box.width / 2, box.y + box.height + theme.fontSize * 3);
  axisTitle(fig.svg, theme, "weight value", 22, box.y + box.height / 2, true);
  addTooltip(fig);
  const clipped = points.filter((p) => p.clipped).length;
  return fig.finish(
    `${o.title}: weights ${start}–${end - 1} in ${groups.length} groups of ${groupSize}, ${codebook.length} levels per group, ${clipped} clipped.`
  );
}

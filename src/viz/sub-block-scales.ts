// What one K-quant super-block stores besides its codes: one fp16 d (and dmin) for the whole block, and per sub-block a
// small integer scale sc_j (and min m_j), drawn as paired bars with their values. Sub-block j's grid is
// d·sc_j·q − dmin·m_j, so a tall sc_j bar is a coarse grid and a tall m_j bar a grid shifted down. The sub-block marked
// (the one holding the largest weight, say) gets an outline.
import * as d3 from "d3";
import {axisTitle, createFigure, styleAxis, type GSelection} from "./figure.ts";
import {formatNumber} from "./format.ts";
import {swatchLegend} from "./legend.ts";
import {
  frameDefaults,
  integerIn,
  text,
  toFrameOptions,
  withDefaults,
  type FrameOptions,
  type FrameSpec
} from "./options.ts";
import {addTooltip} from "./tooltip.ts";

export interface SubBlockScalesData {
  /** the fp16 scale of the sub-scales */
  d: number;
  /** the fp16 scale of the sub-mins (0 when the format has none) */
  dmin: number;
  /** [sub-blocks] integer sub-scales */
  scales: ArrayLike<number>;
  /** [sub-blocks] integer sub-mins (all 0 when the format has none) */
  mins: ArrayLike<number>;
  /** bits of a stored sub-scale */
  scaleBits: number;
  /** signed sub-scales and no mins (Q3_K, Q6_K) */
  signed: boolean;
  /** values per sub-block */
  size: number;
}

export interface SubBlockScalesSpec extends FrameSpec {
  /** Sub-block drawn with an outline; default none (-1). */
  mark?: number;
  /** Legend text of the outline. Default "marked sub-block". */
  markLabel?: string;
}

export interface SubBlockScalesOptions extends FrameOptions {
  mark: number;
  markLabel: string;
}

export function toSubBlockScalesOptions(spec?: SubBlockScalesSpec): SubBlockScalesOptions {
  const o = withDefaults(spec, {
    ...frameDefaults("Sub-block scales of one super-block", 960, 360),
    mark: -1,
    markLabel: "marked sub-block"
  });
  return {...toFrameOptions(o), mark: integerIn(o.mark, "mark", -1), markLabel: text(o.markLabel, "markLabel")};
}

/** fp16 super-scales are small (1e-4 for weights of σ 0.02): three significant digits in exponent form */
const superScale = (v: number) => (v === 0 ? "0" : d3.format(".3~e")(v).replace("-", "−"));

export function subBlockScales(data: SubBlockScalesData, spec?: SubBlockScalesSpec): SVGSVGElement {
  const o = toSubBlockScalesOptions(spec);
  const theme = o.theme;
  const fs = theme.fontSize;
  const {d, dmin, scales, mins, scaleBits, signed, size} = data;
  const n = scales?.length ?? 0;
  if (mins?.length !== n) throw new Error(`invalid mins: length ${mins?.length}, expected ${n}`);
  if (!Number.isInteger(scaleBits) || scaleBits < 1 || scaleBits > 8)
    throw new Error(`invalid scaleBits: ${scaleBits}`);
  const hasMins = !signed;
  const formula = hasMins ? "x = d·sc·q − dmin·m" : "x = d·sc·q";
  const fig = createFigure(
    {
      ...o,
      subtitle:
        o.subtitle ||
        `d = ${superScale(d)}${hasMins ? `, dmin = ${superScale(dmin)}` : ""} (fp16); ` +
          `per sub-block of ${size}: ${scaleBits}-bit sc${hasMins ? " and m" : ""}, ${formula}`
    },
    "sub-block-scales"
  );
  const parts = hasMins ? (["sc", "m"] as const) : (["sc"] as const);
  const color = {sc: theme.categorical[0]!, m: theme.categorical[1]!};
  const legendHeight = swatchLegend(fig.svg, theme, 16, fig.top, fig.width - 32, [
    {label: `sub-scale sc (step d·sc)`, color: color.sc},
    ...(hasMins ? [{label: `sub-min m (offset −dmin·m)`, color: color.m}] : []),
    ...(o.mark >= 0 && o.mark < n ? [{label: o.markLabel, color: theme.foreground, line: true, dash: "4 3"}] : [])
  ]);
  // room left of the axis for a signed tick ("−100") and the turned axis title beside it
  const box = {x: 72, y: fig.top + legendHeight + fs * 1.6, width: fig.width - 72 - 24, height: 0};
  box.height = fig.bottom - box.y - fs * 3.6;
  if (!n) {
    fig.message("no data", box);
    return fig.finish(`${o.title}: no data.`);
  }
  const top = signed ? 2 ** (scaleBits - 1) - 1 : 2 ** scaleBits - 1;
  const bottom = signed ? -(2 ** (scaleBits - 1)) : 0;
  const x = d3
    .scaleBand<number>()
    .domain(d3.range(n))
    .range([box.x, box.x + box.width])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  const xPart = d3.scaleBand<string>().domain(parts).range([0, x.bandwidth()]).padding(0.08);
  const y = d3
    .scaleLinear()
    .domain([bottom, top])
    // signed: room under the lowest bar for its value label, above the sub-block axis
    .range([box.y + box.height - (signed ? fs * 1.4 : 0), box.y]);
  if (signed)
    fig.svg
      .append("line")
      .attr("x1", box.x)
      .attr("x2", box.x + box.width)
      .attr("y1", y(0))
      .attr("y2", y(0))
      .attr("stroke", theme.muted);
  const bars = fig.svg.append("g").attr("class", "gb-marks");
  for (let j = 0; j < n; j++) {
    const values = {sc: scales[j]!, m: mins[j]!};
    const g = bars
      .append("g")
      .attr(
        "data-tip",
        `sub-block ${j}: values ${j * size}–${(j + 1) * size - 1}\n` +
          `sc ${values.sc}: step d·sc = ${formatNumber(Math.fround(d * values.sc))}` +
          (hasMins ? `\nm ${values.m}: offset −dmin·m = ${formatNumber(-Math.fround(dmin * values.m))}` : "")
      );
    for (const part of parts) {
      const v = values[part];
      const x0 = x(j)! + xPart(part)!;
      g.append("rect")
        .attr("x", x0)
        .attr("width", xPart.bandwidth())
        .attr("y", Math.min(y(v), y(0)))
        .attr("height", Math.abs(y(v) - y(0)))
        .attr("fill", color[part]);
      g.append("text")
        .attr("x", x0 + xPart.bandwidth() / 2)
        .attr("y", v >= 0 ? y(v) - 4 : y(v) + fs)
        .attr("text-anchor", "middle")
        .attr("font-size", fs * 0.8)
        .text(String(v));
    }
    if (j === o.mark)
      g.append("rect")
        .attr("x", x(j)! - 3)
        .attr("width", x.bandwidth() + 6)
        .attr("y", box.y - fs * 1.2)
        .attr("height", box.height + fs * 1.2)
        .attr("fill", "none")
        .attr("stroke", theme.foreground)
        .attr("stroke-dasharray", "4 3");
  }
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(0,${box.y + box.height})`)
      .call(d3.axisBottom(x).tickSizeOuter(0)) as unknown as GSelection,
    theme
  );
  styleAxis(
    fig.svg
      .append("g")
      .attr("transform", `translate(${box.x},0)`)
      .call(d3.axisLeft(y).ticks(6).tickFormat(d3.format("d"))) as unknown as GSelection,
    theme
  );
  axisTitle(fig.svg, theme, `sub-block (${size} values each)`, box.x + box.width / 2, box.y + box.height + fs * 3);
  axisTitle(fig.svg, theme, "stored integer", 16, box.y + box.height / 2, true);
  addTooltip(fig);
  const list = d3.range(n).map((j) => (hasMins ? `${scales[j]}/${mins[j]}` : `${scales[j]}`));
  return fig.finish(
    `${o.title}: d ${superScale(d)}${hasMins ? `, dmin ${superScale(dmin)}` : ""}; ${n} sub-blocks of ${size}, ` +
      `${hasMins ? "sc/m" : "sc"} ${list.join(", ")}.`
  );
}

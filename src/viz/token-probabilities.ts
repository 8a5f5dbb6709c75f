// Next-token probabilities, fp32 and quantized side by side: the union of both top-k lists, sorted by the fp32
// probability, one panel per run on the same 0..max scale; each run's top-1 token is marked.
import * as d3 from "d3";
import {axisTitle, createFigure, styleAxis, type GSelection} from "./figure.ts";
import {formatNumber, showToken, textWidth, truncate} from "./format.ts";
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
import {ticksAcross} from "./ticks.ts";

export interface TokenProbability {
  token: string;
  p: number;
}

export interface TokenProbabilitiesData {
  fp32: readonly TokenProbability[];
  quantized: readonly TokenProbability[];
}

export interface TokenProbabilitiesSpec extends FrameSpec {
  /** Tokens shown: the union of each run's top k. Default 8. */
  k?: number;
  /** Panel titles. Defaults "fp32" and "quantized". */
  referenceLabel?: string;
  candidateLabel?: string;
}

export interface TokenProbabilitiesOptions extends FrameOptions {
  k: number;
  referenceLabel: string;
  candidateLabel: string;
}

export function toTokenProbabilitiesOptions(spec?: TokenProbabilitiesSpec): TokenProbabilitiesOptions {
  const o = withDefaults(spec, {
    ...frameDefaults("Next-token probabilities"),
    k: 8,
    referenceLabel: "fp32",
    candidateLabel: "quantized"
  });
  return {
    ...toFrameOptions(o),
    k: integerIn(o.k, "k", 1, 100),
    referenceLabel: text(o.referenceLabel, "referenceLabel"),
    candidateLabel: text(o.candidateLabel, "candidateLabel")
  };
}

function top(list: readonly TokenProbability[], k: number): TokenProbability[] {
  return list
    .filter((t) => Number.isFinite(t.p))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}

export function tokenProbabilities(data: TokenProbabilitiesData, spec?: TokenProbabilitiesSpec): SVGSVGElement {
  const o = toTokenProbabilitiesOptions(spec);
  const theme = o.theme;
  const fs = theme.fontSize;
  const runs = [data.fp32 ?? [], data.quantized ?? []];
  const maps = runs.map((r) => new Map(r.map((t) => [t.token, t.p])));
  const nonFinite = runs.flat().filter((t) => !Number.isFinite(t.p)).length;
  const tokens = [...new Set([...top(runs[0]!, o.k), ...top(runs[1]!, o.k)].map((t) => t.token))].sort(
    (a, b) => (maps[0]!.get(b) ?? 0) - (maps[0]!.get(a) ?? 0) || (maps[1]!.get(b) ?? 0) - (maps[1]!.get(a) ?? 0)
  );
  const notes = nonFinite ? [`${nonFinite} NaN or infinite probabilit${nonFinite === 1 ? "y" : "ies"} not drawn`] : [];
  const fig = createFigure(o, "token-probabilities", notes);
  const labelWidth = Math.max(60, ...tokens.map((t) => textWidth(truncate(showToken(t), 16), fs)));
  const area = {x: 16 + labelWidth + 10, y: fig.top + fs * 1.8, width: 0, height: fig.bottom - fig.top - fs * 5.2};
  area.width = fig.width - area.x - 24;
  if (!tokens.length) {
    fig.message("no data", area);
    return fig.finish(`${o.title}: no data.`);
  }
  const tops = runs.map((r) => top(r, 1)[0]?.token);
  const max =
    d3.max(
      runs.flat().filter((t) => Number.isFinite(t.p)),
      (t) => t.p
    ) || 1;
  const band = d3
    .scaleBand<string>()
    .domain(tokens)
    .range([area.y, area.y + area.height])
    .padding(0.2);
  const panelWidth = (area.width - 40) / 2;
  // room right of the bars for the value labels; the top-1 label is the longest. A narrow chart (a phone) marks the
  // top-1 in bold only, so the values keep their room.
  const room = (suffix: string) =>
    8 + d3.max(runs.flat(), (t) => textWidth(`${formatNumber(t.p)}${suffix}`, fs * 0.87))!;
  const topMark = panelWidth - room(" ← top-1") >= panelWidth / 2 ? " ← top-1" : "";
  const labelRoom = room(topMark);
  fig.svg
    .append("g")
    .attr("font-size", fs * 0.93)
    .selectAll("text")
    .data(tokens)
    .join("text")
    .attr("x", area.x - 8)
    .attr("y", (t) => band(t)! + band.bandwidth() / 2)
    .attr("dy", "0.35em")
    .attr("text-anchor", "end")
    .text((t) => truncate(showToken(t), 16));
  [o.referenceLabel, o.candidateLabel].forEach((label, r) => {
    const x0 = area.x + r * (panelWidth + 40);
    const x = d3
      .scaleLinear()
      .domain([0, max])
      .nice()
      .range([x0, x0 + Math.max(20, panelWidth - labelRoom)]);
    const color = theme.categorical[r === 0 ? 0 : 5]!;
    fig.svg
      .append("text")
      .attr("x", x0)
      .attr("y", area.y - 10)
      .attr("font-weight", 700)
      .attr("fill", color)
      .text(truncate(label, Math.max(4, Math.floor((panelWidth + 32) / textWidth("0", fs * 1.08)))));
    const g = fig.svg.append("g").attr("class", "gb-bars");
    for (const token of tokens) {
      const p = maps[r]!.get(token);
      const y = band(token)!;
      const tip = `${showToken(token)}\n${o.referenceLabel} p ${formatNumber(maps[0]!.get(token) ?? NaN)}\n${o.candidateLabel} p ${formatNumber(maps[1]!.get(token) ?? NaN)}`;
      const bar = g.append("g").attr("data-tip", tip);
      if (p === undefined || !Number.isFinite(p)) {
        bar
          .append("text")
          .attr("x", x0 + 4)
          .attr("y", y + band.bandwidth() / 2)
          .attr("dy", "0.35em")
          .attr("fill", theme.muted)
          .text("not in top list");
        continue;
      }
      bar
        .append("rect")
        .attr("x", x0)
        .attr("y", y)
        .attr("width", Math.max(0, x(p) - x0))
        .attr("height", band.bandwidth())
        .attr("fill", color);
      bar
        .append("text")
        .attr("x", x(p) + 6)
        .attr("y", y + band.bandwidth() / 2)
        .attr("dy", "0.35em")
        .attr("font-size", fs * 0.87)
        .attr("font-weight", token === tops[r] ? 700 : null)
        .text(`${formatNumber(p)}${token === tops[r] ? topMark : ""}`);
    }
    styleAxis(
      fig.svg
        .append("g")
        .attr("transform", `translate(0,${area.y + area.height})`)
        .call(
          d3
            .axisBottom(x)
            .tickValues(ticksAcross(x, 4, formatNumber, fs * 0.87))
            .tickFormat((v) => formatNumber(+v))
        ) as unknown as GSelection,
      theme
    );
    axisTitle(fig.svg, theme, "probability", (x.range()[0]! + x.range()[1]!) / 2, area.y + area.height + fs * 2.8);
  });
  addTooltip(fig);
  const same = tops[0] === tops[1] ? "same top-1" : "top-1 differs";
  return fig.finish(
    `${o.title}: ${o.referenceLabel} top-1 “${showToken(tops[0] ?? "")}” p ${formatNumber(maps[0]!.get(tops[0]!) ?? NaN)}, ` +
      `${o.candidateLabel} top-1 “${showToken(tops[1] ?? "")}” p ${formatNumber(maps[1]!.get(tops[1]!) ?? NaN)}; ${same}.`
  );
}

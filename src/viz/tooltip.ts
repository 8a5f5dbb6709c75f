// Hover tooltips drawn inside the SVG (so they work in any host and need no CSS). Marks carry their text in a
// `data-tip` attribute; dense rasters (heatmaps) register a lookup from pointer position to text instead of one
// element per cell.
import * as d3 from "d3";
import type {Figure} from "./figure.ts";
import {textWidth} from "./format.ts";

/** (x, y) are viewBox coordinates; return the tooltip text or null for none. */
export type TipLookup = (x: number, y: number) => string | null;

export function addTooltip(fig: Figure, lookups: readonly TipLookup[] = []): void {
  const {svg, theme, width, height} = fig;
  const fs = theme.fontSize * 0.93;
  const tip = svg.append("g").attr("class", "gb-tooltip").attr("pointer-events", "none").attr("visibility", "hidden");
  const box = tip
    .append("rect")
    .attr("rx", 4)
    .attr("fill", theme.background)
    .attr("stroke", theme.foreground)
    .attr("fill-opacity", 0.95);
  const label = tip.append("text").attr("font-size", fs).attr("fill", theme.foreground);
  const hide = () => tip.attr("visibility", "hidden");
  svg.on("pointerleave.gb-tooltip", hide);
  svg.on("pointermove.gb-tooltip", (event: PointerEvent) => {
    const [x, y] = d3.pointer(event, svg.node());
    const target = event.target instanceof Element ? event.target.closest("[data-tip]") : null;
    let content = target?.getAttribute("data-tip") ?? null;
    for (const lookup of lookups) content ??= lookup(x, y);
    if (!content) return void hide();
    const lines = content.split("\n");
    label
      .selectAll("tspan")
      .data(lines)
      .join("tspan")
      .attr("x", 8)
      .attr("dy", (_, i) => (i === 0 ? fs * 1.2 : fs * 1.25))
      .text((d) => d);
    const w = Math.max(...lines.map((l) => textWidth(l, fs))) + 16;
    const h = lines.length * fs * 1.25 + 10;
    box.attr("width", w).attr("height", h);
    const tx = x + 14 + w > width ? Math.max(0, x - 14 - w) : x + 14;
    const ty = y + 14 + h > height ? Math.max(0, y - 14 - h) : y + 14;
    tip.attr("transform", `translate(${tx},${ty})`).attr("visibility", "visible").raise();
  });
}

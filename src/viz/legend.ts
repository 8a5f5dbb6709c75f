// Legends: a continuous colour ramp with a labelled axis, and a wrapping row of categorical swatches.
import * as d3 from "d3";
import {nextId, styleAxis, type GSelection, type SvgSelection} from "./figure.ts";
import {formatNumber, textWidth} from "./format.ts";
import type {Theme} from "./theme.ts";

export interface RampSpec {
  x: number;
  y: number;
  width: number;
  /** t in [0, 1] -> colour */
  color: (t: number) => string;
  domain: readonly [number, number];
  /** units, drawn above the ramp, e.g. "activation" or "SQNR (dB)" */
  label: string;
}

/** Height used: label + bar + ticks. */
export const RAMP_HEIGHT = 56;

/** Width of the ramp a heatmap draws at its top right, and the least room its headings keep left of it. */
const CORNER_RAMP_WIDTH = 220;
const MIN_HEADING_ROOM = 300;

/**
 * Where a chart's ramp legend goes: at the top right, beside the headings (`beside` px kept from them), or on a chart
 * too narrow for both, under the headings (`beside` 0). Pass `beside` to createFigure, then draw with cornerRamp.
 */
export function rampPlace(width: number): {beside: number} {
  const beside = CORNER_RAMP_WIDTH + 24 + 8;
  return {beside: width - 32 - beside >= MIN_HEADING_ROOM ? beside : 0};
}

/** Draws the ramp where rampPlace put it; returns the y where the chart's body may start. */
export function cornerRamp(
  fig: {svg: SvgSelection; theme: Theme; width: number; top: number},
  place: {beside: number},
  spec: Omit<RampSpec, "x" | "y" | "width">
): number {
  const width = Math.min(CORNER_RAMP_WIDTH, fig.width - 40);
  const y = place.beside ? 10 : fig.top;
  rampLegend(fig.svg, fig.theme, {...spec, x: fig.width - width - 24, y, width});
  return place.beside ? Math.max(fig.top, 10 + RAMP_HEIGHT + 4) : fig.top + RAMP_HEIGHT + 4;
}

export function rampLegend(parent: SvgSelection | GSelection, theme: Theme, spec: RampSpec): void {
  const {x, y, width, color, domain, label} = spec;
  const id = nextId("ramp");
  const g = parent.append("g").attr("class", "gb-legend").attr("transform", `translate(${x},${y})`);
  const gradient = g.append("linearGradient").attr("id", id);
  for (let i = 0; i <= 16; i++) {
    gradient
      .append("stop")
      .attr("offset", `${(i / 16) * 100}%`)
      .attr("stop-color", color(i / 16));
  }
  g.append("text").attr("y", theme.fontSize).attr("fill", theme.muted).text(label);
  g.append("rect")
    .attr("y", theme.fontSize + 6)
    .attr("width", width)
    .attr("height", 12)
    .attr("fill", `url(#${id})`);
  const scale = d3.scaleLinear().domain(domain).range([0, width]);
  const axis = d3
    .axisBottom(scale)
    .ticks(Math.max(2, Math.floor(width / 70)))
    .tickFormat((v) => formatNumber(+v))
    .tickSize(4);
  styleAxis(
    g
      .append("g")
      .attr("transform", `translate(0,${theme.fontSize + 18})`)
      .call(axis) as unknown as GSelection,
    theme
  );
}

export interface Swatch {
  label: string;
  color: string;
  /** extra fill drawn over the colour, e.g. `url(#hatch)` */
  overlay?: string;
  /** a line swatch instead of a square (for line charts) */
  line?: boolean;
  dash?: string;
}

/** Lays swatches left to right, wrapping at maxWidth. Returns the height used. */
export function swatchLegend(
  parent: SvgSelection | GSelection,
  theme: Theme,
  x: number,
  y: number,
  maxWidth: number,
  swatches: readonly Swatch[]
): number {
  const fs = theme.fontSize;
  const g = parent.append("g").attr("class", "gb-legend").attr("transform", `translate(${x},${y})`);
  let cx = 0;
  let cy = 0;
  for (const s of swatches) {
    const w = 22 + textWidth(s.label, fs) + 18;
    if (cx > 0 && cx + w > maxWidth) {
      cx = 0;
      cy += fs * 1.6;
    }
    const item = g.append("g").attr("transform", `translate(${cx},${cy})`);
    if (s.line) {
      item
        .append("line")
        .attr("x1", 0)
        .attr("x2", 16)
        .attr("y1", fs * 0.6)
        .attr("y2", fs * 0.6)
        .attr("stroke", s.color)
        .attr("stroke-width", 3)
        .attr("stroke-dasharray", s.dash ?? null);
    } else {
      item.append("rect").attr("width", 16).attr("height", 16).attr("y", -2).attr("fill", s.color);
      if (s.overlay) item.append("rect").attr("width", 16).attr("height", 16).attr("y", -2).attr("fill", s.overlay);
    }
    item
      .append("text")
      .attr("x", 22)
      .attr("y", fs * 0.85)
      .text(s.label);
    cx += w;
  }
  return cy + fs * 1.6;
}

// The frame every SVG chart shares: viewBox sizing, background, title/subtitle, accessible <title>/<desc>/aria-label,
// bottom notes (NaN counts, clipping), an empty-data message, and the highlight CSS.
import * as d3 from "d3";
import {textWidth, truncate} from "./format.ts";
import type {FrameOptions} from "./options.ts";
import type {Theme} from "./theme.ts";

export type SvgSelection = d3.Selection<SVGSVGElement, undefined, null, undefined>;
export type GSelection = d3.Selection<SVGGElement, undefined, null, undefined>;

export interface Figure {
  svg: SvgSelection;
  theme: Theme;
  width: number;
  height: number;
  /** y where the plot area may start (below title and subtitle) */
  top: number;
  /** y where the plot area must end (above the notes) */
  bottom: number;
  /** writes a centred message such as "no data" into the box */
  message(text: string, box?: {x: number; y: number; width: number; height: number}): void;
  /** makes the figure shorter, to end 8 px below `contentBottom` (its notes move up with it); never taller */
  fitHeight(contentBottom: number): void;
  /** sets the accessible summary (unless the caller gave `description`) and returns the SVG element */
  finish(summary: string): SVGSVGElement;
}

let uid = 0;

/** A document-unique id for gradients, patterns and clip paths (snapshot tests renumber them). */
export function nextId(prefix: string): string {
  return `gb-${prefix}-${++uid}`;
}

/** CSS shared by all charts: the class the highlight mechanism toggles. */
export function chartStyle(theme: Theme): string {
  return [
    `.gb-chart text{font-family:${theme.font}}`,
    `.gb-chart .gb-highlight{stroke:${theme.highlight};stroke-width:2.5px}`,
    `.gb-chart text.gb-highlight{stroke:none;font-weight:700;fill:${theme.highlight}}`
  ].join("");
}

/** Bold text runs about this much wider than the textWidth estimate of regular text. */
const BOLD_WIDTH = 1.08;

/** Lines a title or subtitle may wrap to on a narrow chart before the last is cut with an ellipsis. */
const HEADING_LINES = 2;

/**
 * `s` wrapped at spaces into lines of at most `room` px at `fontSize`, at most HEADING_LINES of them, the last cut
 * with an ellipsis if the text runs on (the full text stays in the chart's <title>).
 */
function wrapText(s: string, room: number, fontSize: number): string[] {
  const chars = Math.max(4, Math.floor(room / textWidth("0", fontSize)));
  const lines: string[] = [];
  let rest = s;
  while (rest.length > chars && lines.length < HEADING_LINES - 1) {
    const cut = rest.lastIndexOf(" ", chars);
    if (cut <= 0) break;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  return [...lines, truncate(rest, chars)];
}

/**
 * `beside`: px at the top right that a legend keeps from the title and subtitle (they wrap left of it).
 */
export function createFigure(options: FrameOptions, kind: string, notes: readonly string[] = [], beside = 0): Figure {
  const {width, height, theme, title, subtitle} = options;
  const fs = theme.fontSize;
  const svg = d3
    .create("svg")
    .attr("class", `gb-chart gb-${kind}`)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("width", width)
    .attr("height", height)
    .attr("role", "img")
    .attr("font-family", theme.font)
    .attr("font-size", fs)
    .attr("fill", theme.foreground)
    .style("display", "block")
    .style("max-width", "100%")
    .style("height", "auto")
    .style("background", theme.background) as SvgSelection;
  const titleEl = svg.append("title").text(title || kind);
  const descEl = svg.append("desc");
  svg.append("style").text(chartStyle(theme));
  const background = svg.append("rect").attr("width", width).attr("height", height).attr("fill", theme.background);
  let top = 10;
  if (title) {
    for (const line of wrapText(title, width - 32 - beside, fs * 1.45 * BOLD_WIDTH)) {
      svg
        .append("text")
        .attr("class", "gb-title")
        .attr("x", 16)
        .attr("y", top + fs * 1.45)
        .attr("font-size", fs * 1.45)
        .attr("font-weight", 700)
        .text(line);
      top += fs * 1.45 + 4;
    }
    top += 4;
  }
  if (subtitle) {
    for (const line of wrapText(subtitle, width - 32 - beside, fs)) {
      svg
        .append("text")
        .attr("class", "gb-subtitle")
        .attr("x", 16)
        .attr("y", top + fs)
        .attr("fill", theme.muted)
        .text(line);
      top += fs + 4;
    }
    top += 4;
  }
  const lineHeight = fs * 1.3;
  const bottom = height - 8 - notes.length * lineHeight;
  const noteEls = notes.map((note, i) =>
    svg
      .append("text")
      .attr("class", "gb-note")
      .attr("x", 16)
      .attr("y", bottom + (i + 1) * lineHeight - 4)
      .attr("fill", theme.muted)
      .attr("font-style", "italic")
      .text(note)
  );
  return {
    svg,
    theme,
    width,
    height,
    top: top + 6,
    bottom,
    message(text, box = {x: 0, y: top, width, height: bottom - top}) {
      svg
        .append("text")
        .attr("class", "gb-message")
        .attr("x", box.x + box.width / 2)
        .attr("y", box.y + box.height / 2)
        .attr("text-anchor", "middle")
        .attr("dominant-baseline", "middle")
        .attr("fill", theme.muted)
        .attr("font-size", fs * 1.2)
        .text(text);
    },
    fitHeight(contentBottom) {
      const fitted = Math.min(height, Math.ceil(contentBottom + 8 + notes.length * lineHeight));
      if (fitted >= height) return;
      this.height = fitted;
      this.bottom = fitted - 8 - notes.length * lineHeight;
      svg.attr("viewBox", `0 0 ${width} ${fitted}`).attr("height", fitted);
      background.attr("height", fitted);
      noteEls.forEach((el, i) => el.attr("y", this.bottom + (i + 1) * lineHeight - 4));
    },
    finish(summary) {
      const label = options.description ?? summary;
      svg.attr("aria-label", label);
      descEl.text(label);
      titleEl.text(title || label);
      return svg.node()!;
    }
  };
}

/** Draws a themed axis: muted ticks and domain, foreground labels at the base font size. */
export function styleAxis(g: GSelection, theme: Theme): GSelection {
  g.attr("font-size", theme.fontSize * 0.87).attr("font-family", theme.font);
  g.selectAll(".domain").attr("stroke", theme.muted);
  g.selectAll(".tick line").attr("stroke", theme.muted);
  g.selectAll(".tick text").attr("fill", theme.foreground);
  return g;
}

/** Axis title text. `rotate` for a vertical y title. */
export function axisTitle(
  parent: SvgSelection | GSelection,
  theme: Theme,
  label: string,
  x: number,
  y: number,
  rotate = false,
  anchor: "start" | "middle" | "end" = "middle"
): void {
  parent
    .append("text")
    .attr("class", "gb-axis-title")
    .attr("transform", `translate(${x},${y})${rotate ? " rotate(-90)" : ""}`)
    .attr("text-anchor", anchor)
    .attr("fill", theme.muted)
    .text(label);
}

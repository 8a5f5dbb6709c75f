// A GGUF file's tensor types at a glance: one row per layer, one column per matrix (attn_q … ffn_down), and a first
// row for the model's own matrices (token_embd over the attention columns, output over the feed-forward ones). Each cell names its ggml type, coloured by bits per weight
// (viridis: dark = few bits); a cell whose type is a fallback (the wanted type's block did not divide the rows) is
// outlined dashed and marked "*". The tooltip carries the reason, bytes and bpw. L = layers, M = matrix columns.
import {createFigure} from "./figure.ts";
import {formatBytes, textWidth, truncate} from "./format.ts";
import {addTooltip} from "./tooltip.ts";
import {frameDefaults, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface TensorTypeCell {
  /** the matrix: "attn_q" … "ffn_down", "token_embd", "output" */
  matrix: string;
  /** the layer, null for token_embd and output */
  layer: number | null;
  /** the ggml type (or the format when no GGUF type holds it): "Q4_K", "Q6_K", "q4_k (simulated)" */
  type: string;
  bpw: number;
  bytes?: number;
  /** why this type, in words */
  rule?: string;
  /** set when the type replaced a wanted one that did not fit the rows */
  fallback?: string;
}

export interface TensorTypeMapData {
  cells: readonly TensorTypeCell[];
}

export type TensorTypeMapSpec = FrameSpec;

/** the columns in a layer's order; token_embd and output sit in the first row */
const LAYER_COLUMNS = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];
/** bits per weight at the two ends of the colour ramp (F32 and F16 are beyond it, drawn as 16) */
const BPW_RANGE = [2, 16] as const;

export function toTensorTypeMapOptions(spec?: TensorTypeMapSpec): FrameOptions {
  return toFrameOptions(withDefaults(spec, frameDefaults("Tensor types per layer and matrix", 960, 540)));
}

/** t in [0, 1] on a log scale of bpw, so 4, 5, 6 and 8 bits are told apart more than 16 from 32 */
function ramp(bpw: number): number {
  const [lo, hi] = BPW_RANGE;
  const b = Math.min(hi, Math.max(lo, bpw));
  return Math.log(b / lo) / Math.log(hi / lo);
}

export function tensorTypeMap(data: TensorTypeMapData, spec?: TensorTypeMapSpec): SVGSVGElement {
  const o = toTensorTypeMapOptions(spec);
  const cells = data.cells ?? [];
  const layers = [...new Set(cells.flatMap((c) => (c.layer === null ? [] : [c.layer])))].sort((a, b) => a - b);
  const fallbacks = cells.filter((c) => c.fallback).length;
  // a phone's width holds the short note only; the reasons are in each cell's tooltip
  const why = o.width < 600 ? "" : ": the wanted type's block does not divide the rows";
  const notes = [
    "colour: bits per weight, darker = fewer",
    ...(fallbacks ? [`* ${fallbacks} fallback${fallbacks > 1 ? "s" : ""}${why}`] : [])
  ];
  const fig = createFigure(o, "tensor-type-map", notes);
  const t = fig.theme;
  const fs = t.fontSize;
  if (cells.length === 0) {
    fig.message("no tensors");
    return fig.finish(`${o.title}: no tensors.`);
  }
  const rowLabels = ["model", ...layers.map((l) => `blk.${l}`)];
  const left = 16 + Math.max(...rowLabels.map((l) => textWidth(l, fs * 0.87))) + 10;
  const cellW = (fig.width - left - 16) / LAYER_COLUMNS.length;
  const headerH = fs * 1.6;
  const rowH = Math.max(16, Math.min(34, (fig.bottom - fig.top - headerH) / rowLabels.length));
  const g = fig.svg.append("g").attr("class", "gb-type-cells");
  LAYER_COLUMNS.forEach((m, j) =>
    g
      .append("text")
      .attr("class", "gb-col-label")
      .attr("x", left + (j + 0.5) * cellW)
      .attr("y", fig.top + fs)
      .attr("text-anchor", "middle")
      .attr("font-size", fs * 0.87)
      .text(truncate(m, Math.floor(cellW / textWidth("0", fs * 0.87))))
  );
  rowLabels.forEach((label, i) =>
    g
      .append("text")
      .attr("x", 16)
      .attr("y", fig.top + headerH + (i + 0.5) * rowH)
      .attr("dominant-baseline", "middle")
      .attr("font-size", fs * 0.87)
      .attr("fill", t.muted)
      .text(label)
  );
  /** [first column, columns spanned, row] */
  const place = (c: TensorTypeCell): [number, number, number] => {
    if (c.layer === null) return c.matrix === "output" ? [4, 3, 0] : [0, 4, 0];
    return [LAYER_COLUMNS.indexOf(c.matrix), 1, 1 + layers.indexOf(c.layer)];
  };
  const labelSize = Math.min(fs * 0.87, rowH * 0.6);
  for (const c of cells) {
    const [col, span, row] = place(c);
    if (col < 0) continue;
    const x = left + col * cellW;
    const w = span * cellW;
    const y = fig.top + headerH + row * rowH;
    const fill = t.sequential(ramp(c.bpw));
    const name = c.layer === null ? `${c.matrix}.weight` : `blk.${c.layer}.${c.matrix}.weight`;
    const tip = [
      `${name}: ${c.type}${c.fallback ? " (fallback)" : ""}`,
      `${c.bpw.toFixed(2)} bits per weight${c.bytes === undefined ? "" : `, ${formatBytes(c.bytes)}`}`,
      ...(c.rule ? [c.rule] : []),
      ...(c.fallback ? [c.fallback] : [])
    ].join("\n");
    const cell = g
      .append("g")
      .attr("class", "gb-type-cell")
      .attr("data-tensor", name)
      .attr("data-type", c.type)
      .attr("data-tip", tip);
    cell
      .append("rect")
      .attr("x", x + 1)
      .attr("y", y + 1)
      .attr("width", w - 2)
      .attr("height", rowH - 2)
      .attr("fill", fill)
      .attr("stroke", c.fallback ? t.foreground : "none")
      .attr("stroke-dasharray", c.fallback ? "4 3" : null);
    // dark cells (low bpw, viridis' purple end) take light text
    cell
      .append("text")
      .attr("x", x + w / 2)
      .attr("y", y + rowH / 2)
      .attr("text-anchor", "middle")
      .attr("dominant-baseline", "middle")
      .attr("font-size", labelSize)
      .attr("fill", ramp(c.bpw) < 0.55 ? "#ffffff" : "#1b1b1b")
      .text(
        truncate(
          `${c.layer === null ? `${c.matrix}: ` : ""}${c.type}${c.fallback ? "*" : ""}`,
          Math.floor(w / textWidth("0", labelSize))
        )
      );
  }
  fig.fitHeight(fig.top + headerH + rowLabels.length * rowH);
  addTooltip(fig);
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  const summary = [...counts].map(([type, n]) => `${n} × ${type}`).join(", ");
  const bytes = cells.reduce((s, c) => s + (c.bytes ?? 0), 0);
  return fig.finish(
    `${o.title}: ${cells.length} matrices in ${layers.length} layers: ${summary}` +
      (bytes ? `; ${formatBytes(bytes)}` : "") +
      (fallbacks ? `; ${fallbacks} fallbacks.` : ".")
  );
}

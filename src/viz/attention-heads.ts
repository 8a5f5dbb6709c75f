// Small multiples: the attention pattern of every head of one layer (blocks.{l}.attn.hook_pattern, [H, Tq, Tk]),
// one shared 0..1 colour legend, the grid shape chosen to make the panels as large as possible.
// H = heads, T = tokens.
import {cellMode, sliceValues, toGrid} from "./cells.ts";
import type {GSelection} from "./figure.ts";
import {finiteStats, nonFiniteNote} from "./format.ts";
import {heatmapPanel, type Panel} from "./heatmap-panel.ts";
import {subscribeHighlight} from "./highlight.ts";
import {attentionFigure, attentionTip, toAttentionOptions, type AttentionSpec} from "./attention.ts";
import {addTooltip} from "./tooltip.ts";

export interface AttentionHeadsData {
  patterns: ArrayLike<number>; // [H, T, T] row-major
  nHeads: number;
  tokens: readonly string[]; // [T]
}

/** Same options as `attentionPattern` (`head` is ignored). */
export type AttentionHeadsSpec = Omit<AttentionSpec, "head">;

/** Columns for n panels of aspect 1 in a w × h area, maximising the panel side. */
export function gridColumns(n: number, w: number, h: number): number {
  let best = 1;
  let bestSide = 0;
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const side = Math.min(w / cols, h / rows);
    if (side > bestSide) [best, bestSide] = [cols, side];
  }
  return best;
}

export function attentionHeads(data: AttentionHeadsData, spec?: AttentionHeadsSpec): SVGSVGElement {
  const layerTitle = spec?.layer === undefined || spec.layer === null ? "" : `, layer ${spec.layer}`;
  const options = toAttentionOptions({title: `Attention, all heads${layerTitle}`, ...spec});
  const tokens = (data.tokens ?? []).map(String);
  const T = tokens.length;
  const H = data.nHeads;
  const all = toGrid(data.patterns, H, T * T);
  const stats = finiteStats(all.values);
  const mode = cellMode(document, H * T * T, options.raster);
  const {fig, top} = attentionFigure(options, "attention-heads", [nonFiniteNote(stats, "clamped")].filter(Boolean));
  const theme = options.theme;
  if (T === 0 || H === 0) {
    fig.message("no data");
    return fig.finish(`${options.title}: no data.`);
  }
  const area = {x: 8, y: top, width: fig.width - 16, height: fig.bottom - top};
  const cols = gridColumns(H, area.width, area.height);
  const rows = Math.ceil(H / cols);
  const pw = area.width / cols;
  const ph = area.height / rows;
  const showLabels = T <= 16 && ph > 200;
  const panels: Panel[] = [];
  for (let h = 0; h < H; h++) {
    const x = area.x + (h % cols) * pw;
    const y = area.y + Math.floor(h / cols) * ph;
    const g = fig.svg.append("g").attr("class", "gb-head") as GSelection;
    const values = sliceValues(all.values, h * T * T, (h + 1) * T * T);
    const panel = heatmapPanel(
      g,
      theme,
      {x, y: y + theme.fontSize + 6, width: pw - 12, height: ph - theme.fontSize - 14},
      {
        grid: {values, rows: T, cols: T},
        colors: {
          color: theme.sequential,
          domain: [0, 1],
          missing: theme.missing,
          visible: options.causal ? (q, k) => k <= q : undefined
        },
        mode,
        rowLabels: showLabels ? tokens : null,
        colLabels: showLabels ? tokens : null,
        rowTitle: "query",
        colTitle: "key",
        positionAxis: "both",
        compact: true,
        square: true,
        tip: (q, k, p) => attentionTip(tokens, q, k, p, h)
      }
    );
    g.append("text")
      .attr("x", panel.cells.x + panel.cells.width / 2)
      .attr("y", y + theme.fontSize)
      .attr("text-anchor", "middle")
      .attr("font-weight", 600)
      .text(`head ${h}`);
    panels.push(panel);
  }
  addTooltip(
    fig,
    panels.map((p) => p.lookup)
  );
  const svg = fig.finish(`${options.title}: ${H} heads, each ${T} query × ${T} key tokens.`);
  if (options.link !== null)
    subscribeHighlight(svg, options.link, (p) => panels.forEach((panel) => panel.highlight(p)));
  return svg;
}

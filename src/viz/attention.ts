// Attention pattern of one head: query × key probabilities (blocks.{l}.attn.hook_pattern[h], [Tq, Tk]), token labels
// on both axes, sequential colours on the fixed probability range 0..1, the causal (future) half left blank.
// T = number of tokens.
import {cellMode, RASTERS, toGrid, type Raster} from "./cells.ts";
import {createFigure, type Figure, type GSelection} from "./figure.ts";
import {finiteStats, formatNumber, nonFiniteNote, showToken} from "./format.ts";
import {heatmapPanel, type Panel} from "./heatmap-panel.ts";
import {subscribeHighlight} from "./highlight.ts";
import {cornerRamp, rampPlace} from "./legend.ts";
import {
  frameDefaults,
  integerIn,
  keyword,
  textOrNull,
  toFrameOptions,
  withDefaults,
  type FrameOptions,
  type FrameSpec
} from "./options.ts";
import {addTooltip} from "./tooltip.ts";

export interface AttentionData {
  pattern: ArrayLike<number>; // [Tq, Tk] row-major, Tq = Tk = T
  tokens: readonly string[]; // [T]
}

export interface AttentionSpec extends FrameSpec {
  /** Layer index, shown in the default title. Default null. */
  layer?: number | null;
  /** Head index, shown in the default title. Default null. */
  head?: number | null;
  /** Leave key > query cells blank. Default true. */
  causal?: boolean;
  /** "auto" (default), "svg" or "canvas". */
  raster?: Raster;
  /** Highlight channel to follow; null = none. Default "tokens". */
  link?: string | null;
}

export interface AttentionOptions extends FrameOptions {
  layer: number | null;
  head: number | null;
  causal: boolean;
  raster: Raster;
  link: string | null;
}

export function toAttentionOptions(spec?: AttentionSpec, width = 960, height = 540): AttentionOptions {
  const o = withDefaults(spec, {
    ...frameDefaults("", width, height),
    layer: null as number | null,
    head: null as number | null,
    causal: true as boolean,
    raster: "auto" as string,
    link: "tokens" as string | null
  });
  const layer = o.layer === null ? null : integerIn(o.layer, "layer", 0);
  const head = o.head === null ? null : integerIn(o.head, "head", 0);
  if (typeof o.causal !== "boolean") throw new Error(`invalid causal: ${o.causal}`);
  const title =
    spec?.title ??
    ["Attention", layer !== null && `layer ${layer}`, head !== null && `head ${head}`].filter(Boolean).join(", ");
  return {
    ...toFrameOptions({...o, title}),
    layer,
    head,
    causal: o.causal,
    raster: keyword(o.raster, "raster", RASTERS),
    link: textOrNull(o.link, "link")
  };
}

/** Tooltip text of one attention cell. */
export function attentionTip(tokens: readonly string[], q: number, k: number, p: number, head?: number): string {
  const prefix = head === undefined ? "" : `head ${head}\n`;
  return `${prefix}query ${q} “${showToken(tokens[q]!)}”\nkey ${k} “${showToken(tokens[k]!)}”\np ${formatNumber(p)}`;
}

/** The figure of both attention charts, and its 0..1 probability ramp; `top` is where the panels may start. */
export function attentionFigure(
  options: AttentionOptions,
  kind: string,
  notes: readonly string[]
): {fig: Figure; top: number} {
  const place = rampPlace(options.width);
  const fig = createFigure(options, kind, notes, place.beside);
  const top = cornerRamp(fig, place, {color: fig.theme.sequential, domain: [0, 1], label: "attention probability"});
  return {fig, top};
}

export function attentionPattern(data: AttentionData, spec?: AttentionSpec): SVGSVGElement {
  const options = toAttentionOptions(spec);
  const tokens = (data.tokens ?? []).map(String);
  const T = tokens.length;
  const grid = toGrid(data.pattern, T, T);
  const stats = finiteStats(grid.values);
  const mode = cellMode(document, T * T, options.raster);
  const notes = [nonFiniteNote(stats, "clamped")].filter(Boolean);
  const {fig, top} = attentionFigure(options, "attention", notes);
  const theme = options.theme;
  const what = `${options.title || "Attention"}`;
  if (T === 0) {
    fig.message("no data");
    return fig.finish(`${what}: no data.`);
  }
  const panel: Panel = heatmapPanel(
    fig.svg.append("g") as GSelection,
    theme,
    {x: 8, y: top, width: fig.width - 32, height: fig.bottom - top},
    {
      grid,
      colors: {
        color: theme.sequential,
        domain: [0, 1],
        missing: theme.missing,
        visible: options.causal ? (q, k) => k <= q : undefined
      },
      mode,
      rowLabels: tokens,
      colLabels: tokens,
      rowTitle: "query",
      colTitle: "key",
      positionAxis: "both",
      compact: false,
      square: true,
      tip: (q, k, p) => attentionTip(tokens, q, k, p)
    }
  );
  addTooltip(fig, [panel.lookup]);
  const svg = fig.finish(`${what}: ${T} query × ${T} key tokens, ${strongest(grid.values, tokens)}.`);
  if (options.link !== null) subscribeHighlight(svg, options.link, panel.highlight);
  return svg;
}

/** "the last query attends most to “<s>” (p 0.62)" — the summary line for screen readers. */
export function strongest(pattern: ArrayLike<number>, tokens: readonly string[], offset = 0): string {
  const T = tokens.length;
  const q = T - 1;
  let best = -1;
  for (let k = 0; k < T; k++) {
    const p = pattern[offset + q * T + k]!;
    if (p === p && (best < 0 || p > pattern[offset + q * T + best]!)) best = k;
  }
  if (best < 0) return "no finite values";
  return `the last query attends most to “${showToken(tokens[best]!)}” (p ${formatNumber(pattern[offset + q * T + best]!)})`;
}

// One bar per layer (or per tensor) for a quality metric: SQNR (dB, higher is better), KL divergence (nats, lower is
// better) or sensitivity (ΔKLD when only that layer is quantized); sensitivity bars are labelled with their rank
// (#1 = most sensitive).
import {drawBarChart} from "./bar-chart.ts";
import {formatNumber} from "./format.ts";
import {
  frameDefaults,
  keyword,
  text,
  toFrameOptions,
  withDefaults,
  type FrameOptions,
  type FrameSpec
} from "./options.ts";

export type LayerMetric = "sqnr" | "kld" | "sensitivity";

export interface LayerValue {
  /** e.g. "0", "blocks.0.attn.wq" */
  label: string;
  value: number;
}

export interface LayerBarsSpec extends FrameSpec {
  /** "sqnr" (default), "kld" or "sensitivity"; picks units, title and ranking. */
  metric?: LayerMetric;
  /** What one bar is, under the bars and in the tooltip: "layer" (default), "tensor", "matrix". */
  rowTitle?: string;
}

export interface LayerBarsOptions extends FrameOptions {
  metric: LayerMetric;
  rowTitle: string;
}

const METRICS: Record<LayerMetric, {title: string; unit: string; better: string}> = {
  sqnr: {title: "SQNR per layer", unit: "SQNR (dB, higher is better)", better: "lowest"},
  kld: {title: "KL divergence per layer", unit: "KLD (nats, lower is better)", better: "highest"},
  sensitivity: {title: "Sensitivity per layer", unit: "ΔKLD when quantized alone (nats)", better: "most sensitive"}
};

export function toLayerBarsOptions(spec?: LayerBarsSpec): LayerBarsOptions {
  const metric = keyword(spec?.metric ?? "sqnr", "metric", ["sqnr", "kld", "sensitivity"]);
  const o = withDefaults(spec, {...frameDefaults(METRICS[metric].title), metric: metric as string, rowTitle: "layer"});
  return {...toFrameOptions(o), metric, rowTitle: text(o.rowTitle, "rowTitle")};
}

export function layerBars(data: {layers: readonly LayerValue[]}, spec?: LayerBarsSpec): SVGSVGElement {
  const o = toLayerBarsOptions(spec);
  const m = METRICS[o.metric];
  const layers = data.layers ?? [];
  const ranked = layers
    .map((l, i) => ({i, v: l.value}))
    .filter((x) => Number.isFinite(x.v))
    .sort((a, b) => b.v - a.v);
  const rank = new Map(ranked.map((x, r) => [x.i, r + 1]));
  const worst = o.metric === "sqnr" ? ranked[ranked.length - 1] : ranked[0];
  const rows = layers.map((l, i) => ({
    label: l.label,
    parts: [l.value],
    note: o.metric === "sensitivity" && rank.has(i) ? `#${rank.get(i)}` : formatNumber(l.value)
  }));
  return drawBarChart(
    o,
    "layer-bars",
    [{name: o.metric, color: o.theme.categorical[0]!}],
    rows,
    {
      orientation: "vertical",
      valueLabel: m.unit,
      rowTitle: o.rowTitle,
      format: formatNumber,
      legend: false,
      tip: (row, _, v) =>
        `${o.rowTitle} ${row.label}\n${m.unit}: ${formatNumber(v)}${row.note?.startsWith("#") ? `\nrank ${row.note}` : ""}`
    },
    `${o.title || m.title}: ${layers.length} ${o.rowTitle === "matrix" ? "matrices" : `${o.rowTitle}s`}` +
      (worst ? `; ${m.better}: ${o.rowTitle} ${layers[worst.i]!.label} (${formatNumber(worst.v)}).` : ".")
  );
}

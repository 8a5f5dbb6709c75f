// Time per step (token) stacked by profiler category, get_w first, vermillion and hatched; the subtitle states the
// get_w share so it reads even in greyscale.
import {categoryColor, OP_CATEGORIES, toCategoryTimes, type OpCategory} from "./categories.ts";
import {drawBarChart} from "./bar-chart.ts";
import {formatMs} from "./format.ts";
import {frameDefaults, text, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface StepTiming {
  /** e.g. "prefill", "1", "2" */
  label: string;
  /** ms per category; missing categories count as 0 */
  times: Partial<Record<OpCategory, number>>;
}

export interface TimingSpec extends FrameSpec {
  /** Title of the step axis. Default "step". */
  rowTitle?: string;
}

export interface TimingOptions extends FrameOptions {
  rowTitle: string;
}

export function toTimingOptions(spec?: TimingSpec, title = "Time per step by op category"): TimingOptions {
  const o = withDefaults(spec, {...frameDefaults(title), rowTitle: "step"});
  return {...toFrameOptions(o), rowTitle: text(o.rowTitle, "rowTitle")};
}

/** Draws rows of category times; shared by the per-step and per-layer views. */
export function drawTiming(
  options: TimingOptions,
  kind: string,
  rows: readonly {label: string; times: Partial<Record<OpCategory, number>>}[],
  orientation: "vertical" | "horizontal"
): SVGSVGElement {
  const theme = options.theme;
  const categories = OP_CATEGORIES.map((name) => ({name, color: categoryColor(theme, name), hatch: name === "get_w"}));
  const parts = rows.map((r) => toCategoryTimes(r.times));
  let getW = 0;
  let total = 0;
  for (const p of parts) {
    for (const [i, v] of p.entries()) {
      if (!Number.isFinite(v) || v < 0) continue;
      total += v;
      if (i === 0) getW += v;
    }
  }
  const share = total > 0 ? `get_w ${((100 * getW) / total).toFixed(1)}% of ${formatMs(total)}` : "no time recorded";
  const withShare = {...options, subtitle: options.subtitle || share};
  return drawBarChart(
    withShare,
    kind,
    categories,
    rows.map((r, i) => ({label: r.label, parts: parts[i]!})),
    {
      orientation,
      valueLabel: "time (ms)",
      rowTitle: options.rowTitle,
      format: formatMs,
      legend: true,
      tip: (row, category, v, sum) =>
        `${options.rowTitle} ${row.label}\n${category.name} ${formatMs(v)} (${((100 * v) / sum).toFixed(1)}%)\ntotal ${formatMs(sum)}`
    },
    `${options.title || "Timing"}: ${rows.length} ${options.rowTitle}s; ${share}.`
  );
}

export function timingSteps(data: {steps: readonly StepTiming[]}, spec?: TimingSpec): SVGSVGElement {
  return drawTiming(toTimingOptions(spec), "timing-steps", data.steps ?? [], "vertical");
}

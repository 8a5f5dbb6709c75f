// Loss curve: loss (nats/token) against step or position, one line per series (e.g. fp32 vs Q4_0).
import {drawLineChart, type AxisScale} from "./line-chart.ts";
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

export interface LossSeries {
  name: string;
  steps: ArrayLike<number>;
  loss: ArrayLike<number>;
}

export interface LossCurveSpec extends FrameSpec {
  /** Default "step". */
  xLabel?: string;
  /** Default "loss (nats/token)". */
  yLabel?: string;
  /** "linear" (default) or "log". */
  yScale?: AxisScale;
}

export interface LossCurveOptions extends FrameOptions {
  xLabel: string;
  yLabel: string;
  yScale: AxisScale;
}

export function toLossCurveOptions(spec?: LossCurveSpec): LossCurveOptions {
  const o = withDefaults(spec, {
    ...frameDefaults("Loss"),
    xLabel: "step",
    yLabel: "loss (nats/token)",
    yScale: "linear" as string
  });
  return {
    ...toFrameOptions(o),
    xLabel: text(o.xLabel, "xLabel"),
    yLabel: text(o.yLabel, "yLabel"),
    yScale: keyword(o.yScale, "yScale", ["linear", "log"])
  };
}

export function lossCurve(data: {series: readonly LossSeries[]}, spec?: LossCurveSpec): SVGSVGElement {
  const o = toLossCurveOptions(spec);
  const series = (data.series ?? []).map((s) => ({name: s.name, x: s.steps, y: s.loss}));
  const last = (s: LossSeries) => s.loss[s.loss.length - 1];
  return drawLineChart(
    o,
    "loss",
    series,
    [],
    {
      xLabel: o.xLabel,
      yLabel: o.yLabel,
      xScale: "linear",
      yScale: o.yScale,
      xIntegers: true,
      yZero: false,
      markers: false,
      tip: (name, x, y) => `${name}\n${o.xLabel} ${formatNumber(x)}\nloss ${formatNumber(y)}`
    },
    (n) =>
      `${o.title || "Loss"}: ${data.series.length} series, ${n} points; final loss ` +
      data.series.map((s) => `${s.name} ${formatNumber(last(s) ?? NaN)}`).join(", ") +
      "."
  );
}

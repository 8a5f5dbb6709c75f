// Cost against sequence length, log2 x axis: e.g. ms per token for fp32, dequant-every-step, cached and fused
// providers, in prefill and decode. The subtitle carries the lesson by default: dequantizing weights (get_w) is paid
// once per matmul, so prefill spreads it over many tokens while decode pays it on every token.
import {drawLineChart, type AxisScale} from "./line-chart.ts";
import {formatMs} from "./format.ts";
import {
  frameDefaults,
  keyword,
  text,
  toFrameOptions,
  withDefaults,
  type FrameOptions,
  type FrameSpec
} from "./options.ts";

export interface CostSeries {
  /** e.g. "Q4_0 dequant, decode" */
  name: string;
  seqLen: ArrayLike<number>;
  /** ms per token */
  ms: ArrayLike<number>;
}

export interface CostVsLengthSpec extends FrameSpec {
  /** Default "ms per token". */
  yLabel?: string;
  /** "log" (default, base 2) or "linear". */
  xScale?: AxisScale;
}

export interface CostVsLengthOptions extends FrameOptions {
  yLabel: string;
  xScale: AxisScale;
}

export function toCostVsLengthOptions(spec?: CostVsLengthSpec): CostVsLengthOptions {
  const o = withDefaults(spec, {
    ...frameDefaults("Cost vs sequence length"),
    subtitle: "get_w is paid per matmul: prefill amortizes it over the prompt, decode pays it every token",
    yLabel: "ms per token",
    xScale: "log" as string
  });
  return {
    ...toFrameOptions(o),
    yLabel: text(o.yLabel, "yLabel"),
    xScale: keyword(o.xScale, "xScale", ["linear", "log"])
  };
}

export function costVsLength(data: {series: readonly CostSeries[]}, spec?: CostVsLengthSpec): SVGSVGElement {
  const o = toCostVsLengthOptions(spec);
  const series = (data.series ?? []).map((s) => ({name: s.name, x: s.seqLen, y: s.ms}));
  return drawLineChart(
    o,
    "cost-length",
    series,
    [],
    {
      xLabel: "sequence length (tokens)",
      yLabel: o.yLabel,
      xScale: o.xScale,
      yScale: "linear",
      xIntegers: true,
      yZero: true,
      markers: true,
      tip: (name, x, y) => `${name}\n${x} tokens\n${formatMs(y)} per token`
    },
    (n) => `${o.title || "Cost vs sequence length"}: ${series.length} series, ${n} measurements (${o.yLabel}).`
  );
}

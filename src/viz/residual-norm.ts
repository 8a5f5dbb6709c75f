// Residual-stream norm per layer (‖blocks.{l}.hook_resid_post‖ at one position, or averaged), one line per run,
// e.g. fp32 vs quantized.
import {drawLineChart, type AxisScale} from "./line-chart.ts";
import {formatNumber} from "./format.ts";
import {frameDefaults, keyword, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface ResidualNormSeries {
  name: string;
  /** [L] norm after each block (index = layer) */
  norms: ArrayLike<number>;
}

export interface ResidualNormSpec extends FrameSpec {
  /** "linear" (default) or "log"; norms often grow geometrically. */
  yScale?: AxisScale;
}

export interface ResidualNormOptions extends FrameOptions {
  yScale: AxisScale;
}

export function toResidualNormOptions(spec?: ResidualNormSpec): ResidualNormOptions {
  const o = withDefaults(spec, {...frameDefaults("Residual-stream norm per layer"), yScale: "linear" as string});
  return {...toFrameOptions(o), yScale: keyword(o.yScale, "yScale", ["linear", "log"])};
}

export function residualNorm(data: {series: readonly ResidualNormSeries[]}, spec?: ResidualNormSpec): SVGSVGElement {
  const o = toResidualNormOptions(spec);
  const series = (data.series ?? []).map((s) => ({
    name: s.name,
    x: Array.from({length: s.norms.length}, (_, i) => i),
    y: s.norms
  }));
  return drawLineChart(
    o,
    "residual-norm",
    series,
    [],
    {
      xLabel: "layer (after block)",
      yLabel: "‖residual‖₂",
      xScale: "linear",
      yScale: o.yScale,
      xIntegers: true,
      yZero: o.yScale === "linear",
      markers: true,
      tip: (name, x, y) => `${name}\nlayer ${x}\nnorm ${formatNumber(y)}`
    },
    () =>
      `${o.title || "Residual norm"}: ` +
      (series.length
        ? series.map((s) => `${s.name}: ${Array.from(s.y, formatNumber).join(", ")}`).join("; ") + "."
        : "no data.")
  );
}

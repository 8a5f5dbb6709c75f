// Weight histogram with the quantization grid drawn on: the scheme's levels (in weight units, e.g. code × scale of
// one group, or the per-tensor grid), the clipped tails shaded with their count, and the dequantized weights as an
// outline over the original bars.
import {drawHistogram} from "./histogram.ts";
import {formatNumber} from "./format.ts";
import {
  frameDefaults,
  integerIn,
  keyword,
  toFrameOptions,
  withDefaults,
  type FrameOptions,
  type FrameSpec
} from "./options.ts";

export interface WeightHistogramData {
  weights: ArrayLike<number>;
  /** the same weights after quantize → dequantize; drawn as an outline */
  dequantized?: ArrayLike<number>;
  /** representable values in weight units (grid of the shown group or tensor) */
  levels?: ArrayLike<number>;
  /** [lo, hi]: weights outside are clipped by the scheme */
  clip?: readonly [number, number];
}

export interface WeightHistogramSpec extends FrameSpec {
  /** Approximate number of bins. Default 60. */
  bins?: number;
  /** "linear" (default) or "log" counts (shows the tails). */
  yScale?: "linear" | "log";
}

export interface WeightHistogramOptions extends FrameOptions {
  bins: number;
  yScale: "linear" | "log";
}

export function toWeightHistogramOptions(
  spec?: WeightHistogramSpec,
  title = "Weights and quantization grid"
): WeightHistogramOptions {
  const o = withDefaults(spec, {...frameDefaults(title), bins: 60, yScale: "linear" as string});
  return {
    ...toFrameOptions(o),
    bins: integerIn(o.bins, "bins", 2, 1000),
    yScale: keyword(o.yScale, "yScale", ["linear", "log"])
  };
}

export function weightHistogram(data: WeightHistogramData, spec?: WeightHistogramSpec): SVGSVGElement {
  const o = toWeightHistogramOptions(spec);
  const weights = data.weights ?? [];
  if (data.dequantized && data.dequantized.length !== weights.length) {
    throw new Error(`invalid dequantized: length ${data.dequantized.length}, expected ${weights.length}`);
  }
  const levels = Array.from(data.levels ?? [], Number);
  const clip = data.clip;
  let clipped = 0;
  if (clip) {
    for (let i = 0; i < weights.length; i++) if (weights[i]! < clip[0] || weights[i]! > clip[1]) clipped++;
  }
  const layers = [{name: "original", values: weights}];
  if (data.dequantized) layers.push({name: "dequantized", values: data.dequantized});
  const shade = clip
    ? ([
        [-Infinity, clip[0]],
        [clip[1], Infinity]
      ] as const)
    : [];
  return drawHistogram(
    o,
    "weight-histogram",
    layers,
    {
      xLabel: "weight value",
      bins: o.bins,
      yScale: o.yScale,
      rules: levels,
      rulesName: `${levels.length} quantization levels`,
      shade,
      shadeName: `clipped (${clipped} weights)`
    },
    clip
      ? [
          `${clipped} of ${weights.length} weights outside [${formatNumber(clip[0])}, ${formatNumber(clip[1])}] are clipped`
        ]
      : [],
    (s) =>
      `${o.title || "Weights"}: ${s.count} weights from ${formatNumber(s.min)} to ${formatNumber(s.max)}` +
      (levels.length ? `, ${levels.length} quantization levels` : "") +
      (clip ? `, ${clipped} clipped` : "") +
      "."
  );
}

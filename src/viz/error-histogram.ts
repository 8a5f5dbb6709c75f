// Histogram of the quantization error w − ŵ, with ±step/2 guides when the grid step is known (uniform rounding puts
// every unclipped error inside them).
import {drawHistogram} from "./histogram.ts";
import {formatNumber} from "./format.ts";
import {toWeightHistogramOptions, type WeightHistogramSpec} from "./weight-histogram.ts";

export interface ErrorHistogramData {
  weights: ArrayLike<number>;
  dequantized: ArrayLike<number>;
  /** grid step Δ (scale) if uniform; draws ±Δ/2 */
  step?: number;
}

export function errorHistogram(data: ErrorHistogramData, spec?: WeightHistogramSpec): SVGSVGElement {
  const o = toWeightHistogramOptions(spec, "Quantization error w − ŵ");
  const {weights, dequantized} = data;
  if (!weights || !dequantized || weights.length !== dequantized.length) {
    throw new Error(`invalid dequantized: length ${dequantized?.length}, expected ${weights?.length}`);
  }
  const errors = Float64Array.from(weights, (w, i) => w - dequantized[i]!);
  let sq = 0;
  let ref = 0;
  for (let i = 0; i < errors.length; i++) {
    if (Number.isFinite(errors[i]!)) {
      sq += errors[i]! ** 2;
      ref += weights[i]! ** 2;
    }
  }
  const sqnr = sq > 0 ? 10 * Math.log10(ref / sq) : Infinity;
  const half = data.step ? data.step / 2 : null;
  return drawHistogram(
    {
      ...o,
      subtitle:
        o.subtitle ||
        (errors.length ? `SQNR ${formatNumber(sqnr)} dB, RMSE ${formatNumber(Math.sqrt(sq / errors.length))}` : "")
    },
    "error-histogram",
    [{name: "error", values: errors}],
    {
      xLabel: "w − ŵ",
      bins: o.bins,
      yScale: o.yScale,
      rules: half === null ? [] : [-half, half],
      rulesName: "±step/2",
      shade: [],
      shadeName: ""
    },
    [],
    (s) =>
      `${o.title || "Error"}: ${s.count} errors from ${formatNumber(s.min)} to ${formatNumber(s.max)}` +
      (errors.length ? `, SQNR ${formatNumber(sqnr)} dB.` : ".")
  );
}

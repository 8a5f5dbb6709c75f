// The importance matrix of one weight matrix beside its weights: per input column j, llama-imatrix's importance
// (the mean square of the inputs that column multiplies) and the mean |w| of the column, each divided by its own mean
// so the two share one log axis (1 = an average column). Columns the importance singles out but the weights do not
// are the ones a weighted quantizer protects and a plain one cannot see.
import {drawLineChart} from "./line-chart.ts";
import {formatNumber} from "./format.ts";
import {frameDefaults, toFrameOptions, withDefaults, type FrameSpec} from "./options.ts";

export interface ImportanceColumnsData {
  /** (cols,) importance per input column (llama-imatrix's mean square input) */
  importance: ArrayLike<number>;
  /** (cols,) mean |w| over the rows of each column */
  weightMagnitude: ArrayLike<number>;
}

/** values / their mean (all NaN when the mean is not positive: nothing to compare with) */
function relative(values: ArrayLike<number>): Float64Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  return Float64Array.from(values, (v) => (mean > 0 ? v / mean : NaN));
}

export function importanceColumns(data: ImportanceColumnsData, spec?: FrameSpec): SVGSVGElement {
  const o = toFrameOptions(withDefaults(spec, frameDefaults("Importance per column beside the weights")));
  const {importance = [], weightMagnitude = []} = data;
  if (importance.length !== weightMagnitude.length)
    throw new Error(
      `invalid data: ${importance.length} importances for ${weightMagnitude.length} weight columns (one each)`
    );
  const x = Array.from({length: importance.length}, (_, j) => j);
  const imp = relative(importance);
  const mag = relative(weightMagnitude);
  const top = x.reduce((best, j) => (imp[j]! > (imp[best] ?? -Infinity) ? j : best), 0);
  return drawLineChart(
    o,
    "importance-columns",
    [
      {name: "importance (mean x²)", x, y: imp},
      {name: "mean |w|", x, y: mag}
    ],
    [],
    {
      xLabel: "input column",
      yLabel: "÷ its mean (log)",
      xScale: "linear",
      yScale: "log",
      xIntegers: true,
      yZero: false,
      markers: false,
      tip: (name, j, y) => `${name}\ncolumn ${j}\n${formatNumber(y)} × the mean`
    },
    () =>
      `${o.title || "Importance per column"}: ${x.length} columns` +
      (x.length ? `; the most important is column ${top}, ${formatNumber(imp[top]!)} × the mean importance.` : ".")
  );
}

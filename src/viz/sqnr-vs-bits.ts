// SQNR against bits per weight, one point per scheme (labelled), with the uniform-quantizer "6.02 dB per bit" rule
// as a dashed guide: SQNR ≈ 6.02·b + c, c fitted to the points by least squares unless given.
import {drawLineChart} from "./line-chart.ts";
import {formatNumber} from "./format.ts";
import {frameDefaults, numberIn, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface SqnrPoint {
  /** scheme name, e.g. "Q4_0" */
  label: string;
  /** effective bits per weight including scale overhead, e.g. 4.5 */
  bits: number;
  /** dB */
  sqnr: number;
  /** points of one family are joined by a line; default one family */
  family?: string;
}

export interface SqnrVsBitsSpec extends FrameSpec {
  /** Offset c of the guide SQNR = 6.02·bits + c; null (default) fits it to the points. */
  guideOffset?: number | null;
}

export interface SqnrVsBitsOptions extends FrameOptions {
  guideOffset: number | null;
}

export const DB_PER_BIT = 6.02;

export function toSqnrVsBitsOptions(spec?: SqnrVsBitsSpec): SqnrVsBitsOptions {
  const o = withDefaults(spec, {...frameDefaults("SQNR vs bits per weight"), guideOffset: null as number | null});
  return {
    ...toFrameOptions(o),
    guideOffset: o.guideOffset === null ? null : numberIn(o.guideOffset, "guideOffset", -1e3, 1e3)
  };
}

export function sqnrVsBits(data: {points: readonly SqnrPoint[]}, spec?: SqnrVsBitsSpec): SVGSVGElement {
  const o = toSqnrVsBitsOptions(spec);
  const points = data.points ?? [];
  const families = [...new Set(points.map((p) => p.family ?? "schemes"))];
  const series = families.map((family) => {
    const own = points.filter((p) => (p.family ?? "schemes") === family).sort((a, b) => a.bits - b.bits);
    return {name: family, x: own.map((p) => p.bits), y: own.map((p) => p.sqnr), pointLabels: own.map((p) => p.label)};
  });
  const finite = points.filter((p) => Number.isFinite(p.bits) && Number.isFinite(p.sqnr));
  const offset =
    o.guideOffset ?? (finite.length ? finite.reduce((s, p) => s + p.sqnr - DB_PER_BIT * p.bits, 0) / finite.length : 0);
  const bits = finite.map((p) => p.bits);
  const [lo, hi] = bits.length ? [Math.min(...bits), Math.max(...bits)] : [0, 0];
  const guides = bits.length
    ? [
        {
          name: `6.02 dB per bit (c = ${formatNumber(offset)} dB)`,
          from: [lo, DB_PER_BIT * lo + offset] as const,
          to: [hi, DB_PER_BIT * hi + offset] as const
        }
      ]
    : [];
  return drawLineChart(
    o,
    "sqnr-bits",
    series,
    guides,
    {
      xLabel: "bits per weight (incl. scales)",
      yLabel: "SQNR (dB, higher is better)",
      xScale: "linear",
      yScale: "linear",
      xIntegers: false,
      yZero: false,
      markers: true,
      tip: (_, x, y, label) => `${label ?? ""}\n${formatNumber(x)} bits per weight\nSQNR ${formatNumber(y)} dB`
    },
    () =>
      `${o.title || "SQNR vs bits"}: ` +
      (finite.length
        ? finite.map((p) => `${p.label} ${formatNumber(p.bits)} bits ${formatNumber(p.sqnr)} dB`).join(", ") +
          `; guide 6.02 dB per bit.`
        : "no data.")
  );
}

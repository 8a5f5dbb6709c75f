// Number, byte and non-finite bookkeeping shared by every chart.
import * as d3 from "d3";

/** Counts of values a chart cannot place on a scale. */
export interface NonFinite {
  nan: number;
  posInf: number;
  negInf: number;
}

/** Min/max over finite values plus counts of NaN/±Infinity; min = max = NaN when nothing is finite. */
export function finiteStats(values: ArrayLike<number>): {min: number; max: number; count: number} & NonFinite {
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
    else if (v !== v) nan++;
    else {
      count++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return count ? {min, max, count, nan, posInf, negInf} : {min: NaN, max: NaN, count, nan, posInf, negInf};
}

/** "3 NaN values not drawn", "1 +Infinity value clamped"; empty when everything is finite. */
export function nonFiniteNote(s: NonFinite, infinity: "clamped" | "not drawn" = "not drawn"): string {
  const parts: string[] = [];
  const plural = (n: number, what: string) => `${n} ${what} value${n === 1 ? "" : "s"}`;
  if (s.nan) parts.push(`${plural(s.nan, "NaN")} not drawn`);
  if (s.posInf) parts.push(`${plural(s.posInf, "+Infinity")} ${infinity}`);
  if (s.negInf) parts.push(`${plural(s.negInf, "−Infinity")} ${infinity}`);
  return parts.join(", ");
}

export function addNonFinite(a: NonFinite, b: NonFinite): NonFinite {
  return {nan: a.nan + b.nan, posInf: a.posInf + b.posInf, negInf: a.negInf + b.negInf};
}

const short = d3.format(".3~g");

/** 3 significant digits, with a real minus sign; NaN/±Infinity spelled out. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Infinity";
  if (v === -Infinity) return "−Infinity";
  return short(v).replace("-", "−");
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** Binary units: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return formatNumber(bytes);
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : d3.format(".3~g")(v)} ${UNITS[u]}`;
}

/** Milliseconds with a unit that keeps 3 significant digits readable. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return formatNumber(ms);
  if (Math.abs(ms) >= 1000) return `${formatNumber(ms / 1000)} s`;
  if (Math.abs(ms) < 1 && ms !== 0) return `${formatNumber(ms * 1000)} µs`;
  return `${formatNumber(ms)} ms`;
}

/** Rough text width for layout without measuring (jsdom cannot measure); generous so labels are never clipped. */
export function textWidth(s: string, fontSize: number): number {
  return s.length * fontSize * 0.6;
}

/** Shortens a label to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** Makes whitespace in token strings visible: " the" -> "·the", "\n" -> "↵". */
export function showToken(token: string): string {
  return token.replace(/ /g, "·").replace(/\n/g, "↵").replace(/\t/g, "→");
}

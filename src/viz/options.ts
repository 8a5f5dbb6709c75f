// The one options pattern for every chart: a `XSpec` (what callers pass, all optional) is normalised by `toXOptions`
// into a complete `XOptions` with defaults. Unknown keys and unknown keyword values throw `invalid <name>: <value>`.
import {toTheme, type Theme, type ThemeName} from "./theme.ts";
import {keyword} from "../checks/keyword.ts";

// the charts take keyword from here with the other option checks
export {keyword};

/** Options every chart accepts. */
export interface FrameSpec {
  /** Width in CSS px of the viewBox; the SVG scales to its container. Default depends on the chart (usually 960). */
  width?: number;
  /** Height in CSS px of the viewBox. Default depends on the chart (usually 540, i.e. 16:9). */
  height?: number;
  /** "light" (default; slide exports use it) or "dark". */
  theme?: ThemeName;
  /** Title drawn at the top; "" hides it. Default names the chart. */
  title?: string;
  /** Smaller line under the title (units, model, scheme). Default "". */
  subtitle?: string;
  /** Accessible summary; default is generated from the data. */
  description?: string;
}

export interface FrameOptions {
  width: number;
  height: number;
  theme: Theme;
  title: string;
  subtitle: string;
  description: string | null;
}

/** A finite number within [min, max], else `invalid <name>: <value>`. */
export function numberIn(value: unknown, name: string, min: number, max = Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`invalid ${name}: ${value}`);
  }
  return value;
}

export function integerIn(value: unknown, name: string, min: number, max = Infinity): number {
  const v = numberIn(value, name, min, max);
  if (!Number.isInteger(v)) throw new Error(`invalid ${name}: ${value}`);
  return v;
}

export function text(value: unknown, name: string): string {
  if (typeof value !== "string") throw new Error(`invalid ${name}: ${value}`);
  return value;
}

/** A string or null (null switches the feature off), else `invalid <name>: <value>`. */
export function textOrNull(value: unknown, name: string): string | null {
  return value === null ? null : text(value, name);
}

/**
 * Merges `spec` over `defaults` (undefined means "use the default") and rejects keys the chart does not know, so a
 * typo such as `{colour: ...}` fails loudly instead of being ignored: `invalid option: colour`.
 */
export function withDefaults<D extends object>(spec: object | undefined, defaults: D): D {
  if (spec === undefined || spec === null) return {...defaults};
  if (typeof spec !== "object") throw new Error(`invalid options: ${spec}`);
  const out = {...defaults} as Record<string, unknown>;
  for (const [key, value] of Object.entries(spec)) {
    if (!(key in defaults)) throw new Error(`invalid option: ${key}`);
    if (value !== undefined) out[key] = value;
  }
  return out as D;
}

/** The frame part of any spec, already merged with defaults by `withDefaults`. */
export function toFrameOptions(merged: FrameSpec): FrameOptions {
  return {
    width: numberIn(merged.width, "width", 120, 8192),
    height: numberIn(merged.height, "height", 80, 8192),
    theme: toTheme(merged.theme),
    title: text(merged.title ?? "", "title"),
    subtitle: text(merged.subtitle ?? "", "subtitle"),
    description: merged.description === undefined ? null : text(merged.description, "description")
  };
}

/** Default frame values; charts spread this and override width/height/title. */
export function frameDefaults(
  title: string,
  width = 960,
  height = 540
): Required<Omit<FrameSpec, "description">> & {
  description: string | undefined;
} {
  return {width, height, theme: "light", title, subtitle: "", description: undefined};
}

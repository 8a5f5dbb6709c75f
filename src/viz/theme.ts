// Light and dark palettes. Categorical colours are Okabe–Ito (safe for the common colour-vision deficiencies);
// continuous scales are RdBu (diverging, centred on zero) and viridis (sequential), both colour-blind safe.
import * as d3 from "d3";
import {keyword} from "../checks/keyword.ts";

export type ThemeName = "light" | "dark";

export interface Theme {
  name: ThemeName;
  background: string;
  foreground: string;
  /** axis labels, notes */
  muted: string;
  grid: string;
  /** cells whose value is NaN */
  missing: string;
  /** outline of highlighted rows/tokens */
  highlight: string;
  font: string;
  /** base font size in px; titles are 1.5×, at 960 px width this reads at slide size (1920 px export = 2×) */
  fontSize: number;
  /** Okabe–Ito order: blue, orange, green, pink, sky, vermillion, yellow, grey/black */
  categorical: readonly string[];
  /** t in [0, 1], 0.5 = zero */
  diverging: (t: number) => string;
  /** t in [0, 1] */
  sequential: (t: number) => string;
}

const FONT = "system-ui, sans-serif";

const LIGHT: Theme = {
  name: "light",
  background: "#ffffff",
  foreground: "#1b1b1b",
  muted: "#595959",
  grid: "#e2e2e2",
  missing: "#a8a8a8",
  highlight: "#000000",
  font: FONT,
  fontSize: 15,
  categorical: ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"],
  diverging: (t) => d3.interpolateRdBu(1 - t),
  sequential: d3.interpolateViridis
};

const darkDiverging = d3.piecewise(d3.interpolateLab, ["#4fa8ff", "#23272e", "#ff6f4f"]);

const DARK: Theme = {
  name: "dark",
  background: "#16181c",
  foreground: "#ececec",
  muted: "#ababab",
  grid: "#34383f",
  missing: "#6b6b6b",
  highlight: "#ffffff",
  font: FONT,
  fontSize: 15,
  categorical: ["#3a9ee6", "#E69F00", "#19b38a", "#dd8fbb", "#56B4E9", "#ff7a33", "#F0E442", "#cfcfcf"],
  diverging: darkDiverging,
  sequential: d3.interpolateViridis
};

export function toTheme(name: unknown = "light"): Theme {
  return keyword(name, "theme", ["light", "dark"]) === "dark" ? DARK : LIGHT;
}

// Which matrices of a spec llama.cpp could not store in their format: K-quants on rows their super-block of 256 does
// not divide (every matrix of the built-in model), simulated here as one flat run of super-blocks. Every notebook with
// a format picker shows the notice under it, so no number of a simulated format passes for llama.cpp's.
import {matrixShape, MATRIX_NAMES, type Config} from "../../engine/index.ts";
import {formatFor, FP32, toFormat, toQuantSpec, type MatrixName, type QuantSpec} from "../../quant/index.ts";
import {targetOf} from "./quant-error.ts";
import "./lessons.css";

/** One matrix as the notes need it (a MatrixReport row has these fields). */
interface Placed {
  name: MatrixName;
  layer: number;
  rows: number;
  cols: number;
  format: string;
}

export interface SimulatedNote {
  /** the codec's sentence: "simulated: llama.cpp would store this tensor as q5_0" */
  note: string;
  /** spec targets of the matrices it concerns, in report order ("emb", "l0.wq", …, "cls") */
  targets: string[];
}

/** The simulated matrices of a provider's report, grouped by their codec's sentence. */
export function simulatedNotes(report: readonly Placed[]): SimulatedNote[] {
  const groups = new Map<string, string[]>();
  for (const r of report) {
    if (r.format === FP32) continue;
    const note = toFormat(r.format).codec(r.rows, r.cols).simulated;
    if (note) groups.set(note, [...(groups.get(note) ?? []), targetOf(r.name, r.layer)]);
  }
  return [...groups].map(([note, targets]) => ({note, targets}));
}

/** The same from a spec and a model's shape alone, without quantizing anything. */
export function specSimulatedNotes(config: Config, spec: string | QuantSpec): SimulatedNote[] {
  const s = toQuantSpec(spec);
  const place = (name: MatrixName, layer: number): Placed => {
    const [rows, cols] = matrixShape(config, name);
    return {name, layer, rows, cols, format: formatFor(s, name, layer)};
  };
  const layers = Array.from({length: config.nLayers}, (_, l) => l);
  return simulatedNotes([
    place("tok_embeddings", 0),
    ...MATRIX_NAMES.flatMap((name) => (name === "wcls" ? [place(name, 0)] : layers.map((l) => place(name, l))))
  ]);
}

/** One paragraph per note (class gb-simulated, the sentence in <strong>), or null when nothing is simulated. */
export function simulatedNotice(notes: readonly SimulatedNote[]): HTMLElement | null {
  if (!notes.length) return null;
  const root = document.createElement("div");
  for (const {note, targets} of notes) {
    const p = root.appendChild(document.createElement("p"));
    p.className = "gb-note gb-simulated";
    p.appendChild(document.createElement("strong")).textContent = note;
    p.append(` — ${targets.length} tensor${targets.length === 1 ? "" : "s"}: ${targets.join(", ")}`);
  }
  return root;
}

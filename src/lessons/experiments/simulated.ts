// The notice every notebook with a format picker shows under it when its spec has simulated matrices (K-quants on rows
// 256 does not divide; see src/quant/simulated.ts): the sentence once, with the spec targets it concerns.
import type {SimulatedNote} from "../../quant/index.ts";
import {targetOf} from "./quant-error.ts";
import "./lessons.css";

/** One paragraph per note (class gb-simulated, the sentence in <strong>), or null when nothing is simulated. */
export function simulatedNotice(notes: readonly SimulatedNote[]): HTMLElement | null {
  if (!notes.length) return null;
  const root = document.createElement("div");
  for (const {note, matrices} of notes) {
    const p = root.appendChild(document.createElement("p"));
    p.className = "gb-note gb-simulated";
    p.appendChild(document.createElement("strong")).textContent = note;
    const targets = matrices.map(({name, layer}) => targetOf(name, layer));
    p.append(` — ${targets.length} tensor${targets.length === 1 ? "" : "s"}: ${targets.join(", ")}`);
  }
  return root;
}

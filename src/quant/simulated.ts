// Which matrices of a spec llama.cpp could not store in their format: K-quants on rows their super-block of 256 does
// not divide (every matrix of the built-in model), simulated as one flat run of super-blocks (formats/matrix.ts). The
// notebooks and the CLI show these notes beside any number of such a spec, so none passes for llama.cpp's.
import {matrixShape, type Config} from "../engine/index.ts";
import {toFormat} from "../formats/schemes.ts";
import {isLayerMatrix, MATRIX_NAMES, type MatrixName} from "../model-files/matrix-names.ts";
import {concreteSpec} from "./presets/spec-plan.ts";
import {formatFor, FP32, type QuantSpec} from "./spec.ts";

/** One matrix as the notes need it (a MatrixReport row has these fields). */
export interface PlacedMatrix {
  name: MatrixName;
  layer: number;
  rows: number;
  cols: number;
  format: string;
}

export interface SimulatedNote {
  /** the codec's sentence: "simulated: llama.cpp would store this tensor as q5_0" */
  note: string;
  /** the matrices it concerns, in report order (token_embd, the layers' matrices, output) */
  matrices: {name: MatrixName; layer: number}[];
}

/** The simulated matrices of a provider's report, grouped by their codec's sentence. */
export function simulatedNotes(report: readonly PlacedMatrix[]): SimulatedNote[] {
  const groups = new Map<string, SimulatedNote["matrices"]>();
  for (const {name, layer, rows, cols, format} of report) {
    if (format === FP32) continue;
    const note = toFormat(format).codec(rows, cols).simulated;
    if (note) groups.set(note, [...(groups.get(note) ?? []), {name, layer}]);
  }
  return [...groups].map(([note, matrices]) => ({note, matrices}));
}

/** The same from a spec and a model's shape alone, without quantizing anything. */
export function specSimulatedNotes(config: Config, spec: string | QuantSpec): SimulatedNote[] {
  const s = concreteSpec(spec, config);
  const place = (name: MatrixName, layer: number): PlacedMatrix => {
    const [rows, cols] = matrixShape(config, name);
    return {name, layer, rows, cols, format: formatFor(s, name, layer)};
  };
  const layers = Array.from({length: config.nLayers}, (_, l) => l);
  return simulatedNotes(
    MATRIX_NAMES.flatMap((name) => (isLayerMatrix(name) ? layers.map((l) => place(name, l)) : [place(name, 0)]))
  );
}

// The note a model-running command prints (on stderr, so --json output stays one object) when its --quant spec has
// matrices llama.cpp could not store in their format: K-quants on rows 256 does not divide, simulated here.
import type {Config} from "../engine/index.ts";
import {toQuantSettings, type QuantSettingsSpec} from "../quant/modes.ts";
import {specSimulatedNotes} from "../quant/simulated.ts";

/** "note: simulated: llama.cpp would store this tensor as q5_0 (29 of 30 matrices)\n" per note; none without quant. */
export function simulatedNoteLines(config: Config, quant: QuantSettingsSpec | null): string[] {
  if (!quant) return [];
  const settings = toQuantSettings(quant);
  if (settings.weights === "fp32") return [];
  const total = 2 + 7 * config.nLayers;
  return specSimulatedNotes(config, settings.quant).map(
    ({note, matrices}) => `note: ${note} (${matrices.length} of ${total} matrices)\n`
  );
}

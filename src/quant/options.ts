// The command-line flags every model-running glassbox command gains for quantization, and their normalizer.
// (Types only from src/cli: this module stays free of Node imports.)
import type {OptionSpec, RawOptions} from "../cli/options.ts";
import {toQuantSettings, type QuantSettingsSpec} from "./modes.ts";

export const QUANT_OPTIONS: OptionSpec[] = [
  {
    name: "quant",
    type: "string",
    arg: "SPEC",
    help: "quantize weights, e.g. q4_0, int4:g32:asym, q4_0,emb=q8_0,cls=fp32"
  },
  {name: "weights", type: "string", arg: "MODE", help: "get_w mode: fp32 | dequant | cached | fused (default cached)"},
  {name: "act", type: "string", arg: "SPEC", help: "activation quantization: fp32 | q8_0 (default fp32)"}
];

/** The quant settings the flags ask for, validated (throws invalid <name>: <value>), or null when none is given. */
export function quantSettingsFromRaw(raw: RawOptions): QuantSettingsSpec | null {
  const {quant, weights, act} = raw as Record<string, string | undefined>;
  if (quant === undefined && weights === undefined && act === undefined) return null;
  const spec = {quant, weights, act};
  toQuantSettings(spec);
  return spec;
}

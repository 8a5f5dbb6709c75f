// quant: installs or updates quantization on the loaded model (next token on); stats: its counters and residency.
import {formatQuantSpec, setQuant, type QuantMatrices, type QuantSettingsSpec} from "../../quant/index.ts";
import type {QuantState, StatsArgs} from "../protocol.ts";
import {requireModel, type Session} from "../session.ts";

export function quant(session: Session, args: QuantSettingsSpec): QuantState {
  return quantState(setQuant(requireModel(session).model, args ?? {}));
}

export function stats(session: Session, args: StatsArgs): QuantState | null {
  const provider = quantProvider(session);
  if (!provider) return null;
  const state = quantState(provider);
  if (args?.reset) provider.resetCounters();
  return state;
}

/** The model's quant provider, or null while it runs on the plain fp32 matrices. */
export function quantProvider(session: Session): QuantMatrices | null {
  const matrices = requireModel(session).model.matrices as Partial<QuantMatrices>;
  return typeof matrices.counters === "function" && typeof matrices.residency === "function"
    ? (matrices as QuantMatrices)
    : null;
}

function quantState(provider: QuantMatrices): QuantState {
  const {quant, weights, act} = provider.settings;
  return {
    settings: {quant: formatQuantSpec(quant), weights, act},
    counters: provider.counters(),
    residency: provider.residency(),
    matrices: provider.report()
  };
}

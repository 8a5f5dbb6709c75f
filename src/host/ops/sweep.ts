// sweep: the same tokens under many variants (patch sets, quant settings), keeping a few rows of logits of each,
// e.g. ablate every head in turn. Between variants it checks for a cancel and gives the message loop a turn, so a
// sweep of any length stops within one variant.
import {runWithHooks, setMatrices, yieldToEventLoop} from "../../engine/index.ts";
import {formatQuantSpec, setQuant, type QuantSettingsSpec} from "../../quant/index.ts";
import type {SweepArgs, SweepProgress, SweepResult} from "../protocol.ts";
import {installHooks, requireModel, toTokens, type OpContext, type Session} from "../session.ts";
import {quantProvider} from "./quant.ts";

export async function sweep(session: Session, args: SweepArgs, ctx: OpContext<SweepProgress>): Promise<SweepResult> {
  const loaded = requireModel(session);
  const {model} = loaded;
  const tokens = toTokens(args?.tokens);
  const {mode, pos0, variants} = args;
  if (!Array.isArray(variants) || variants.length === 0)
    throw new Error(`invalid variants: ${String(variants)} (pass an array of {patches, quant})`);
  const positions = args.positions ?? [tokens.length - 1];
  for (const p of positions)
    if (!Number.isInteger(p) || p < 0 || p >= tokens.length)
      throw new Error(`invalid position: ${p} (an index into the ${tokens.length} tokens)`);
  const V = model.config.vocabSize;
  const out = new Float32Array(variants.length * positions.length * V);
  const quant = quantSwitch(session);
  try {
    for (const [i, variant] of variants.entries()) {
      ctx.check();
      if (variant.quant) quant.apply(variant.quant);
      else quant.restore();
      const remove = installHooks(loaded, ctx, variant.patches);
      try {
        const logits = runWithHooks(model, tokens, {mode, pos0});
        positions.forEach((p, j) => out.set(logits.subarray(p * V, (p + 1) * V), (i * positions.length + j) * V));
      } finally {
        remove();
      }
      ctx.emit({done: i + 1, total: variants.length});
      await yieldToEventLoop();
    }
  } finally {
    quant.restore();
  }
  return {logits: out, shape: [variants.length, positions.length, V]};
}

/** Puts the model's matrices back as they were before the sweep: its quant settings, or the plain provider. */
function quantSwitch(session: Session) {
  const {model} = requireModel(session);
  const original = model.matrices;
  const provider = quantProvider(session);
  const settings = provider && {...provider.settings, quant: formatQuantSpec(provider.settings.quant)};
  let changed = false;
  const restore = () => {
    if (!changed) return;
    if (settings) setQuant(model, settings);
    else setMatrices(model, original);
    changed = false;
  };
  return {
    apply: (quant: QuantSettingsSpec) => {
      changed = true;
      setQuant(model, quant);
    },
    restore
  };
}

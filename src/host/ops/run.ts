// run: tokens through the model with serializable patches (and, in-page, hook functions), returning logits (T, V);
// cache: the same with copies of the selected activations.
import {runWithCache, runWithHooks, type HookFn} from "../../engine/index.ts";
import type {CacheArgs, CacheResult, Logits, RunArgs} from "../protocol.ts";
import {installHooks, requireModel, toTokens, type OpContext, type Session} from "../session.ts";

export function run(session: Session, args: RunArgs<HookFn>, ctx: OpContext<never>): Logits {
  const loaded = requireModel(session);
  const {mode, pos0, patches, hooks} = args ?? {};
  const tokens = toTokens(args?.tokens);
  const remove = installHooks(loaded, ctx, patches, hooks);
  try {
    const logits = runWithHooks(loaded.model, tokens, {mode, pos0});
    return {logits, shape: [tokens.length, loaded.model.config.vocabSize]};
  } finally {
    remove();
  }
}

export function cache(session: Session, args: CacheArgs<HookFn>, ctx: OpContext<never>): CacheResult {
  const loaded = requireModel(session);
  const {mode, pos0, patches, hooks, names, layers, maxBytes} = args ?? {};
  const tokens = toTokens(args?.tokens);
  const remove = installHooks(loaded, ctx, patches, hooks);
  try {
    const {logits, cache} = runWithCache(loaded.model, tokens, {mode, pos0, names, layers, maxBytes});
    return {logits, shape: [tokens.length, loaded.model.config.vocabSize], cache};
  } finally {
    remove();
  }
}

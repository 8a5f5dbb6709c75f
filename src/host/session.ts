// What the operations share: the engine state of one host (the loaded model), the context of one request (its
// cancellation and event stream), and the checks every op makes on its inputs.
import {addHook, patchHooks, type HookFn, type HookName, type LoadedModel, type PatchSpec} from "../engine/index.ts";
import type {RunningModel} from "../kernels/index.ts";

export interface Session {
  /** replaced only by a load that succeeds: a bad checkpoint loses nothing (the replaced model is closed) */
  loaded: RunningModel | null;
}

export interface OpContext<E = unknown> {
  signal: AbortSignal;
  /** streams an event to the requester */
  emit: (event: E) => void;
  /** throws the cancellation reason if the request was cancelled */
  check: () => void;
  /**
   * whether check() can see a cancel during synchronous work (a Worker with a shared-memory flag); only then is it
   * worth checking inside a forward pass, between layers
   */
  checksMidRun: boolean;
}

export function requireModel(session: Session): LoadedModel {
  if (!session.loaded) throw new Error("no model loaded: send load first ({} loads the built-in model)");
  return session.loaded;
}

/** Token ids as an array, or `invalid tokens: ...` (range and context length are the engine's checks). */
export function toTokens(tokens: unknown, name = "tokens"): ArrayLike<number> {
  const ok = Array.isArray(tokens) || (ArrayBuffer.isView(tokens) && !(tokens instanceof DataView));
  if (!ok) throw new Error(`invalid ${name}: ${String(tokens)} (pass an array of token ids)`);
  return tokens as unknown as ArrayLike<number>;
}

/** Patches and hook functions installed on the model, plus, where useful, a cancel check before every block. */
export function installHooks(
  {model}: LoadedModel,
  ctx: Pick<OpContext, "check" | "checksMidRun">,
  patches: PatchSpec[] = [],
  hooks: [HookName, HookFn][] = []
): () => void {
  if (!Array.isArray(patches)) throw new Error(`invalid patches: ${String(patches)} (pass an array of patch specs)`);
  const check: HookFn = () => ctx.check();
  const cancelChecks: [HookName, HookFn][] = ctx.checksMidRun
    ? Array.from({length: model.config.nLayers}, (_, l) => [`blocks.${l}.hook_resid_pre`, check])
    : [];
  const all = [...patches.flatMap((p) => patchHooks(p, model.config.nLayers)), ...hooks, ...cancelChecks];
  const removers = all.map(([name, fn]) => addHook(model, name, fn));
  return () => {
    for (const remove of removers.reverse()) remove();
  };
}

// Running tokens with hooks: runWithHooks (functions or patch specs read or replace activations) and runWithCache
// (copies of the selected activations with their shapes, within a memory budget checked before the run).
import {forward, prefill} from "../forward.ts";
import type {Transformer} from "../transformer.ts";
import {addHook, type HookFn} from "./hooks.ts";
import {BLOCK_HOOKS, hookNames, hookShape, parseHookName, type HookKey, type HookMode, type HookName} from "./names.ts";
import {patchHooks, type PatchSpec} from "./patch.ts";

export interface HookRunOptions {
  /** one prefill of all tokens (default), or one decode step per token */
  mode?: HookMode;
  /** position of the first token (default 0; the KV cache must hold the earlier positions) */
  pos0?: number;
  hooks?: [HookName, HookFn][];
  patches?: PatchSpec[];
}

/** Runs tokens with the hooks and patches installed (removed afterwards, also on error); returns logits (T, V). */
export function runWithHooks(
  model: Transformer,
  tokens: ArrayLike<number>,
  options: HookRunOptions = {}
): Float32Array {
  const {mode = "prefill", pos0 = 0, hooks = [], patches = []} = options;
  const all = [...patches.flatMap((p) => patchHooks(p, model.config.nLayers)), ...hooks];
  const removers = all.map(([name, fn]) => addHook(model, name, fn));
  try {
    if (mode === "prefill") return prefill(model, tokens, pos0).slice();
    const V = model.config.vocabSize;
    const logits = new Float32Array(tokens.length * V);
    for (let t = 0; t < tokens.length; t++) logits.set(forward(model, tokens[t]!, pos0 + t), t * V);
    return logits;
  } finally {
    for (const remove of removers.reverse()) remove();
  }
}

export interface Activation {
  /** numeric shape (see hooks/names.ts) */
  shape: number[];
  data: Float32Array;
  /** position of the first token of the call that produced it */
  pos0: number;
}

/** name -> one Activation per forward call (one for a prefill, one per token in decode) */
export type ActivationCache = Record<string, Activation[]>;

export interface CacheOptions extends HookRunOptions {
  /** hooks to keep: full names or keys ("attn.hook_pattern" = every layer), or a predicate; default all */
  names?: (HookName | HookKey)[] | ((name: HookName) => boolean);
  /** keep block hooks of these layers only */
  layers?: number[];
  /** refuse to run when the copies would exceed this many bytes (default 256 MiB) */
  maxBytes?: number;
}

export const DEFAULT_CACHE_BYTES = 256 * 2 ** 20;

/** Runs tokens and returns the logits (T, V) and copies of the selected activations (after any patches). */
export function runWithCache(
  model: Transformer,
  tokens: ArrayLike<number>,
  options: CacheOptions = {}
): {logits: Float32Array; cache: ActivationCache} {
  const {mode = "prefill", pos0 = 0, maxBytes = DEFAULT_CACHE_BYTES, hooks = []} = options;
  const selected = selectHooks(model.config.nLayers, options);
  const bytes = cacheBytes(model, selected, mode, tokens.length, pos0);
  if (bytes > maxBytes)
    throw new Error(
      `activation cache needs ${(bytes / 2 ** 20).toFixed(1)} MiB, over the budget of ${(maxBytes / 2 ** 20).toFixed(1)} MiB; ` +
        `select fewer hooks with {names} or {layers}, feed fewer tokens, or raise maxBytes`
    );
  const cache: ActivationCache = Object.fromEntries(selected.map((name) => [name, []]));
  const record: HookFn = (act, hook) =>
    void cache[hook.name]!.push({shape: hook.shape, data: act.slice(), pos0: hook.pos0});
  const logits = runWithHooks(model, tokens, {
    ...options,
    hooks: [...hooks, ...selected.map((n) => [n, record] as [HookName, HookFn])]
  });
  return {logits, cache};
}

function selectHooks(nLayers: number, {names, layers}: CacheOptions): HookName[] {
  let keep: (name: HookName) => boolean = () => true;
  if (typeof names === "function") keep = names;
  else if (names) {
    const wanted = new Set<string>(names);
    for (const n of names) if (!(n in BLOCK_HOOKS)) parseHookName(n); // throws `invalid hook: <name>`
    keep = (name) => wanted.has(name) || wanted.has(parseHookName(name).key);
  }
  return hookNames(nLayers).filter((name) => {
    const {layer} = parseHookName(name);
    return keep(name) && (!layers || layer < 0 || layers.includes(layer));
  });
}

/** Bytes the copies of these hooks take for a run of T tokens. */
function cacheBytes(model: Transformer, names: HookName[], mode: HookMode, T: number, pos0: number): number {
  const size = (key: HookKey, t: number, p: number) =>
    hookShape(model.config, key, mode, t, p).reduce((a, b) => a * b, 1);
  let floats = 0;
  for (const name of names) {
    const {key} = parseHookName(name);
    if (mode === "prefill") floats += size(key, T, pos0);
    else for (let t = 0; t < T; t++) floats += size(key, 1, pos0 + t);
  }
  return 4 * floats;
}

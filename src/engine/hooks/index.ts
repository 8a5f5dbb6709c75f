export {
  EMBED_HOOKS,
  BLOCK_HOOKS,
  FINAL_HOOKS,
  actName,
  hookNames,
  hookDims,
  hookShape,
  parseHookName
} from "./names.ts";
export type {HookDim, HookKey, HookName, HookMode, BlockHookKey, ParsedHookName} from "./names.ts";
export {addHook, callHook, type HookContext, type HookFn, type HookTable} from "./hooks.ts";
export {patchHooks, applyPatch, type PatchSpec} from "./patch.ts";
export {runWithHooks, runWithCache, DEFAULT_CACHE_BYTES} from "./run.ts";
export type {Activation, ActivationCache, CacheOptions, HookRunOptions} from "./run.ts";

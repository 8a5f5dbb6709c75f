// Hook functions: read or replace an activation at a named point. The model holds `hooks: HookTable | null`; with
// null (the default) the forward pass makes one null check per hook point and nothing else.
import type {Config} from "../model.ts";
import {actName, hookDims, hookShape, type HookDim, type HookKey, type HookMode, type HookName} from "./names.ts";

export interface HookContext {
  name: HookName;
  key: HookKey;
  /** block index, -1 outside the blocks */
  layer: number;
  mode: HookMode;
  /** position of the first token of this call */
  pos0: number;
  /** numeric shape of the activation (see names.ts) */
  shape: number[];
  dims: readonly HookDim[];
}

/**
 * Called with a view of the live activation (valid only during the call: copy it to keep it). Mutate it in place
 * or return an array of the same length to replace it; return nothing to leave it as it is.
 */
export type HookFn = (activation: Float32Array, hook: HookContext) => Float32Array | void;

export type HookTable = Map<string, HookFn[]>;

export interface Hooked {
  readonly config: Config;
  hooks: HookTable | null;
}

/** Registers fn at hook `name`; returns the function that removes it (the table goes back to null when empty). */
export function addHook(model: Hooked, name: HookName, fn: HookFn): () => void {
  const table: HookTable = (model.hooks ??= new Map());
  const list = table.get(name) ?? [];
  table.set(name, [...list, fn]);
  return () => {
    const now = table.get(name)?.filter((f) => f !== fn) ?? [];
    if (now.length) table.set(name, now);
    else table.delete(name);
    if (model.hooks === table && table.size === 0) model.hooks = null;
  };
}

/** Runs the hooks registered at (key, layer) on buf; returns whether any ran (the caller may need to recompute). */
export function callHook(
  model: Hooked,
  table: HookTable,
  key: HookKey,
  layer: number,
  buf: Float32Array,
  mode: HookMode,
  T: number,
  pos0: number
): boolean {
  const name = actName(key, layer);
  const fns = table.get(name);
  if (!fns) return false;
  const shape = hookShape(model.config, key, mode, T, pos0);
  const n = shape.reduce((a, b) => a * b, 1);
  const view = buf.length === n ? buf : buf.subarray(0, n);
  const ctx: HookContext = {name, key, layer, mode, pos0, shape, dims: hookDims(key, mode)};
  for (const fn of fns) {
    const replacement = fn(view, ctx);
    if (replacement) {
      if (replacement.length !== n)
        throw new Error(`hook ${name} returned ${replacement.length} values; it must return ${n} (shape [${shape}])`);
      view.set(replacement);
    }
  }
  return true;
}

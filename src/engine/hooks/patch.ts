// Interventions as plain data: zero / scale / replace / mean-ablate an activation, optionally only one head and one
// position. Specs are JSON-serializable (for a Worker or a URL) and become ordinary hook functions.
import type {HookContext, HookFn} from "./hooks.ts";
import {actName, BLOCK_HOOKS, parseHookName, type HookKey, type HookName} from "./names.ts";

export interface PatchSpec {
  /** a full name ("blocks.0.attn.hook_z") or a key ("attn.hook_z", every layer unless `layer` is given) */
  hook: HookName | HookKey;
  layer?: number | number[];
  /** head index along the n_heads (or n_kv_heads) axis; all heads when absent */
  head?: number;
  /** absolute position; all positions when absent */
  pos?: number;
  /**
   * zero: set to 0; scale: multiply by `value`; replace: set to `value` (a number, or one value per selected element
   * in row-major order); mean: set to the mean over positions of this call, or to `value` (one mean per element of
   * the hook's shape without its pos axis, e.g. from a cache)
   */
  op: "zero" | "scale" | "replace" | "mean";
  value?: number | number[];
}

const OPS = new Set(["zero", "scale", "replace", "mean"]);

/** The hook functions a spec stands for, by full hook name, for a model with nLayers blocks. */
export function patchHooks(spec: PatchSpec, nLayers: number): [HookName, HookFn][] {
  if (!OPS.has(spec.op)) throw new Error(`invalid patch op: ${spec.op}`);
  if (spec.op === "scale" && typeof spec.value !== "number")
    throw new Error(`invalid patch value: ${spec.value} (scale needs a number)`);
  if (spec.op === "replace" && spec.value === undefined)
    throw new Error("invalid patch value: undefined (replace needs a value)");
  const names = patchTargets(spec, nLayers);
  const fn: HookFn = (act, hook) => applyPatch(spec, act, hook);
  return names.map((name) => [name, fn]);
}

function patchTargets(spec: PatchSpec, nLayers: number): HookName[] {
  if (spec.hook in BLOCK_HOOKS) {
    const layers = spec.layer === undefined ? [...Array(nLayers).keys()] : [spec.layer].flat();
    for (const l of layers)
      if (!Number.isInteger(l) || l < 0 || l >= nLayers)
        throw new Error(`invalid layer: ${l} (the model has ${nLayers})`);
    return layers.map((l) => actName(spec.hook as HookKey, l));
  }
  const {layer} = parseHookName(spec.hook);
  if (layer >= nLayers) throw new Error(`invalid layer: ${layer} (the model has ${nLayers})`);
  return [spec.hook as HookName];
}

/** Applies a spec to one activation in place. */
export function applyPatch(spec: PatchSpec, act: Float32Array, hook: HookContext): void {
  const {dims, shape, pos0} = hook;
  const headAxis = dims.findIndex((d) => d === "n_heads" || d === "n_kv_heads");
  const posAxis = dims.indexOf("pos");
  if (spec.head !== undefined) {
    if (headAxis < 0) throw new Error(`invalid patch head: ${hook.name} has no head axis`);
    if (!(spec.head >= 0 && spec.head < shape[headAxis]!)) throw new Error(`invalid patch head: ${spec.head}`);
  }
  // decode has no pos axis: the whole activation is position pos0
  if (spec.pos !== undefined && posAxis < 0 && spec.pos !== pos0) return;
  const selected = selection(act.length, shape, (idx) => {
    if (spec.head !== undefined && idx[headAxis] !== spec.head) return false;
    if (spec.pos !== undefined && posAxis >= 0 && idx[posAxis]! + pos0 !== spec.pos) return false;
    return true;
  });
  switch (spec.op) {
    case "zero":
      for (const i of selected) act[i] = 0;
      return;
    case "scale":
      for (const i of selected) act[i] = act[i]! * (spec.value as number);
      return;
    case "replace": {
      const v = spec.value!;
      if (typeof v !== "number" && v.length !== selected.length)
        throw new Error(
          `invalid patch value: ${v.length} values for ${selected.length} selected elements of ${hook.name}`
        );
      selected.forEach((i, j) => (act[i] = typeof v === "number" ? v : v[j]!));
      return;
    }
    case "mean":
      return meanAblate(spec, act, hook, selected, posAxis);
  }
}

function meanAblate(spec: PatchSpec, act: Float32Array, hook: HookContext, selected: number[], posAxis: number) {
  if (posAxis > 0) throw new Error(`invalid patch op: mean on ${hook.name} (its first axis is not pos)`);
  const rowLength = posAxis === 0 ? act.length / hook.shape[0]! : act.length;
  let means: ArrayLike<number>;
  if (spec.value !== undefined) {
    if (typeof spec.value === "number" || spec.value.length !== rowLength)
      throw new Error(`invalid patch value: mean needs ${rowLength} values (one per element of a position)`);
    means = spec.value;
  } else {
    if (posAxis < 0)
      throw new Error(`invalid patch value: mean of ${hook.name} in decode needs value (means from a cache)`);
    const rows = hook.shape[0]!;
    const m = new Float64Array(rowLength);
    for (let i = 0; i < act.length; i++) m[i % rowLength] += act[i]! / rows;
    means = m;
  }
  for (const i of selected) act[i] = means[i % rowLength]!;
}

/** Flat indices whose multi-index passes keep, in row-major order. */
function selection(n: number, shape: number[], keep: (idx: number[]) => boolean): number[] {
  const out: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    if (keep(idx)) out.push(i);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

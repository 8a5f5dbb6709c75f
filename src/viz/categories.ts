// The profiler's op categories, in drawing order, with fixed colours (Okabe–Ito) so every timing chart agrees.
// get_w (dequantizing weights) is vermillion AND hatched, first in the stack and the legend, so it stays
// unmistakable without colour vision.
import {PROFILE_CATEGORIES, type ProfileCategory} from "../engine/profiler.ts";
import type {Theme} from "./theme.ts";

/** the engine profiler's categories, in its order (get_w first) */
export const OP_CATEGORIES = PROFILE_CATEGORIES;
export type OpCategory = ProfileCategory;

/** Index into theme.categorical per category. */
const COLOR_INDEX: Record<OpCategory, number> = {
  get_w: 5,
  matmul: 0,
  attention: 4,
  norm: 2,
  rope: 3,
  activation: 1,
  sampling: 6,
  other: 7
};

export function categoryColor(theme: Theme, category: OpCategory): string {
  return category === "other" ? theme.missing : theme.categorical[COLOR_INDEX[category]]!;
}

/** Times per category, missing categories = 0; rejects unknown category names. */
export function toCategoryTimes(times: Partial<Record<string, number>>): number[] {
  for (const key of Object.keys(times ?? {})) {
    if (!(OP_CATEGORIES as readonly string[]).includes(key)) throw new Error(`invalid category: ${key}`);
  }
  return OP_CATEGORIES.map((c) => times?.[c] ?? 0);
}

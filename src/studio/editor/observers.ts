// Observers that go quiet once their cell is redefined. Deleting a runtime variable makes the Observable runtime
// settle it once more (to undefined), and its observer would then clear the cell and show "undefined" over the new
// definition's output; each definition's observer therefore checks that it is still the cell's current one.
import {observe, type Definition, type DisplayState} from "@observablehq/notebook-kit/runtime";

type Observer = ReturnType<typeof observe>;

const generations = new WeakMap<DisplayState, number>();

/** Marks every observer made so far for `state` as stale. */
export function invalidateObservers(state: DisplayState): void {
  generations.set(state, (generations.get(state) ?? 0) + 1);
}

/** notebook-kit's observer for the cell's current definition; silent once the cell is redefined. */
export function currentObserver(state: DisplayState, definition: Definition): Observer {
  const generation = generations.get(state) ?? 0;
  const inner = observe(state, definition);
  const current = () => (generations.get(state) ?? 0) === generation;
  return {
    ...inner,
    pending: () => current() && inner.pending(),
    fulfilled: (value: unknown) => current() && inner.fulfilled(value),
    rejected: (error: unknown) => current() && inner.rejected(error)
  };
}

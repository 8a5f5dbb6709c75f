// The dequantized weight cache of a notebook, behind the memory guard: turning it on is refused with a clear message
// when it would not fit (see memory-guard.ts for the budget). Models themselves are guarded where they are built
// (src/lessons/common/model-choice.ts).
import {weightsFloats, type Config} from "../engine/index.ts";
import {guardMemory, memoryBudget, type MemoryBudget} from "./memory-guard.ts";

/** Checks that a float32 copy of every weight matrix (what the "cached" get_w mode keeps) fits. */
export function guardWeightCache(config: Config, budget: MemoryBudget = memoryBudget()): void {
  const hint = "turn the weight cache off: weights are then dequantized on every step instead";
  guardMemory(4 * weightsFloats(config), {what: "the dequantized weight cache", hint}, budget);
}

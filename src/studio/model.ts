// The model of a notebook, behind the memory guard: loading the built-in model and turning on the dequantized
// weight cache are refused with a clear message when they would not fit (see memory-guard.ts for the budget).
import {DEFAULT_CONFIG, loadDefaultModel, modelBytes, weightsFloats, type Config} from "../engine/index.ts";
import type {LoadedModel} from "../engine/index.ts";
import {guardMemory, memoryBudget, type MemoryBudget} from "./memory-guard.ts";

/** The built-in default model (see src/engine/default-model.ts), after checking that it fits. */
export function loadNotebookModel(budget: MemoryBudget = memoryBudget()): LoadedModel {
  const hint = "close other tabs, or open the notebook on a machine with more memory";
  guardMemory(modelBytes(DEFAULT_CONFIG), {what: "the built-in model", hint}, budget);
  return loadDefaultModel();
}

/** Checks that a float32 copy of every weight matrix (what the "cached" get_w mode keeps) fits. */
export function guardWeightCache(config: Config, budget: MemoryBudget = memoryBudget()): void {
  const hint = "turn the weight cache off: weights are then dequantized on every step instead";
  guardMemory(4 * weightsFloats(config), {what: "the dequantized weight cache", hint}, budget);
}

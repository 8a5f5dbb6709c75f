// Refuse work that will not fit in memory before allocating it: loading a model, caching dequantized weights, keeping
// large activation caches. The budget is what the browser says is left, and a documented fallback where it says
// nothing:
// - Chromium: performance.memory, jsHeapSizeLimit - usedJSHeapSize (the tab's heap headroom);
// - navigator.deviceMemory (GiB of device RAM, rounded down, capped at 8 by browsers): a quarter of it, the share a
//   single tab may take without pushing the machine into swap;
// - otherwise FALLBACK_BUDGET_BYTES (1 GiB), which every supported desktop browser gives a tab.
// When both browser figures exist the smaller one wins.

export const FALLBACK_BUDGET_BYTES = 2 ** 30;
/** The share of device RAM one tab may use. */
export const DEVICE_MEMORY_SHARE = 0.25;

export interface MemoryBudget {
  bytes: number;
  /** where the figure comes from, for the refusal message */
  source: string;
}

interface MemoryScope {
  performance?: {memory?: {jsHeapSizeLimit: number; usedJSHeapSize: number}};
  navigator?: {deviceMemory?: number};
}

export function memoryBudget(scope: MemoryScope = globalThis as MemoryScope): MemoryBudget {
  const budgets: MemoryBudget[] = [];
  const heap = scope.performance?.memory;
  if (heap && heap.jsHeapSizeLimit > 0) {
    budgets.push({bytes: Math.max(0, heap.jsHeapSizeLimit - heap.usedJSHeapSize), source: "browser heap headroom"});
  }
  const deviceGiB = scope.navigator?.deviceMemory;
  if (deviceGiB && deviceGiB > 0) {
    budgets.push({
      bytes: deviceGiB * 2 ** 30 * DEVICE_MEMORY_SHARE,
      source: `a quarter of ${deviceGiB} GiB device memory`
    });
  }
  if (!budgets.length)
    return {bytes: FALLBACK_BUDGET_BYTES, source: "default budget, the browser reports no memory figure"};
  return budgets.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}

export interface GuardRequest {
  /** what would be allocated: "the model", "the dequantized weight cache" */
  what: string;
  /** what the user can do instead: "choose a smaller model" */
  hint: string;
}

/** Throws `not enough memory for <what>: needs X MiB, about Y MiB available (<source>); <hint>` when bytes > budget. */
export function guardMemory(bytes: number, {what, hint}: GuardRequest, budget: MemoryBudget = memoryBudget()): void {
  if (!(bytes >= 0)) throw new Error(`invalid bytes: ${bytes}`);
  if (bytes > budget.bytes) {
    throw new Error(
      `not enough memory for ${what}: needs ${mib(bytes)}, about ${mib(budget.bytes)} available (${budget.source}); ${hint}`
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

// The time budget of loops in edited code (see instrument.ts): every loop body calls the guard; when the page has
// not had a turn of its event loop for longer than the budget, the loop throws instead of freezing the page.
// Checking the clock costs ~30 ns, so it is read once every 1024 iterations.

export const LOOP_BUDGET_MS = 3000;

export class LoopBudgetExceeded extends Error {
  override name = "LoopBudgetExceeded";
}

export type LoopGuard = () => void;

/**
 * A guard for loops. The budget counts from the first check after the event loop last had a turn (a macrotask:
 * awaiting a timer or a frame gives the page its turn; awaiting a resolved promise does not). Once exceeded, every
 * further check throws until the page gets its turn, so a loop nested in a try/catch inside another loop stops too.
 */
export function loopGuard(budgetMs = LOOP_BUDGET_MS, now: () => number = () => performance.now()): LoopGuard {
  let count = 0;
  let start = -1;
  let exceeded = false;
  const fail = () => {
    throw new LoopBudgetExceeded(
      `a loop ran for more than ${budgetMs / 1000} s without letting the page respond, so it was stopped. ` +
        "Make it do less, or let the page breathe between steps: await new Promise(requestAnimationFrame)"
    );
  };
  return () => {
    if (exceeded) fail();
    if ((++count & 1023) !== 0) return;
    const t = now();
    if (start < 0) {
      start = t;
      setTimeout(() => ((start = -1), (exceeded = false)), 0);
      return;
    }
    if (t - start > budgetMs) {
      exceeded = true;
      fail();
    }
  };
}

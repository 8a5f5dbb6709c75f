import {describe, expect, it} from "vitest";
import {
  onWork,
  setCellRunning,
  stopAll,
  track,
  workSnapshot,
  WorkCancelled,
  type WorkSnapshot
} from "../../src/studio/work.ts";

function until(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
}

describe("track(task, {invalidation, label})", () => {
  it("track(task) resolves with the task's result and reports the task while it runs", async () => {
    const seen: WorkSnapshot[] = [];
    const off = onWork((w) => seen.push(w));
    const result = await track(async () => 42, {label: "answer"});
    off();
    expect(result).toBe(42);
    expect(seen).toEqual([
      {cells: 0, tasks: ["answer"]},
      {cells: 0, tasks: []}
    ]);
  });
  it("track(task, {invalidation}) aborts the task when a newer input invalidates the cell", async () => {
    let invalidate!: () => void;
    const invalidation = new Promise<void>((resolve) => (invalidate = resolve));
    const running = track(until, {invalidation, label: "generating"});
    invalidate();
    await expect(running).rejects.toThrow(new WorkCancelled("generating cancelled by a newer input"));
    expect(workSnapshot().tasks).toEqual([]);
  });
  it("track(task) rejects when aborted even if the task ignores its signal", async () => {
    let invalidate!: () => void;
    const invalidation = new Promise<void>((resolve) => (invalidate = resolve));
    const running = track(() => new Promise((resolve) => setTimeout(() => resolve("late"), 10)), {invalidation});
    invalidate();
    await expect(running).rejects.toBeInstanceOf(WorkCancelled);
  });
  it("stopAll() cancels every task in flight", async () => {
    const a = track(until, {label: "a"});
    const b = track(until, {label: "b"});
    expect(workSnapshot().tasks).toEqual(["a", "b"]);
    stopAll();
    await expect(a).rejects.toThrow("stopped");
    await expect(b).rejects.toThrow("stopped");
    expect(workSnapshot().tasks).toEqual([]);
  });
});

describe("setCellRunning(cell, running)", () => {
  it("setCellRunning(cell, running) counts each cell once and notifies only on change", () => {
    const seen: number[] = [];
    const off = onWork((w) => seen.push(w.cells));
    const cell = {};
    setCellRunning(cell, true);
    setCellRunning(cell, true);
    setCellRunning(cell, false);
    setCellRunning(cell, false);
    off();
    expect(seen).toEqual([1, 0]);
  });
});

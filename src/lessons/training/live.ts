// Training runs as an Observable generator: a cell `const live = liveTraining(session, {invalidation})` yields a
// snapshot at most every `interval` ms while the session trains (so the charts that read `live` redraw as it learns),
// and a last one when it ends. Several sessions train side by side (one step each in turn) and yield an array of
// snapshots. The loops run under track(): the busy indicator names them and the Stop control cancels them, as does a
// newer input (the cell's invalidation). A cancelled run ends "paused", without an error: its history stays.
import {track} from "../../studio/work.ts";
import type {Snapshot, TrainingSession} from "./session.ts";

export interface LiveOptions {
  /** the cell's invalidation promise: a newer input stops the run */
  invalidation?: Promise<unknown>;
  /** what the busy indicator says */
  label?: string;
  /** the least time between two snapshots (ms) */
  interval?: number;
}

export function liveTraining(session: TrainingSession, options?: LiveOptions): AsyncGenerator<Snapshot, void>;
export function liveTraining(
  sessions: readonly TrainingSession[],
  options?: LiveOptions
): AsyncGenerator<Snapshot[], void>;
export async function* liveTraining(
  which: TrainingSession | readonly TrainingSession[],
  {invalidation, label = "training", interval = 250}: LiveOptions = {}
): AsyncGenerator<Snapshot | Snapshot[], void> {
  const sessions = Array.isArray(which) ? which : [which as TrainingSession];
  const snapshot = () => (Array.isArray(which) ? sessions.map((s) => s.snapshot()) : sessions[0]!.snapshot());
  let fresh = false;
  let finished = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    fresh = true;
    wake?.();
  };
  const unsubscribe = sessions.map((s) => s.onUpdate(notify));
  const stopAll = () => sessions.forEach((s) => s.stop());
  void track((signal) => Promise.all(sessions.map((s) => s.run(signal))), {invalidation, label})
    .catch((error: unknown) => {
      if ((error as Error).name !== "WorkCancelled") failure = error;
      stopAll();
    })
    .finally(() => {
      finished = true;
      notify();
    });
  let last = -Infinity;
  try {
    while (true) {
      if (!fresh) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      if (!finished) {
        const wait = last + interval - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      fresh = false;
      last = performance.now();
      yield snapshot();
      if (finished && !fresh) return;
    }
  } finally {
    unsubscribe.forEach((off) => off());
    stopAll(); // the cell went away (a newer input): the loops must not go on
  }
}

// What is running right now, for the busy indicator and the stop control: cells the runtime is computing, and
// cancellable tasks started with track(). A newer input cancels the task in flight (the cell's `invalidation`
// promise resolves when the cell re-runs); Stop cancels every task.

/** The reason a tracked task was cancelled; cells show it as their error. */
export class WorkCancelled extends Error {
  override name = "WorkCancelled";
}

export interface WorkSnapshot {
  /** cells the runtime is computing */
  cells: number;
  /** cancellable tasks in flight, by label */
  tasks: string[];
}

type Listener = (work: WorkSnapshot) => void;

const cells = new Set<unknown>();
const tasks = new Map<AbortController, string>();
const listeners = new Set<Listener>();

function notify(): void {
  const snapshot = workSnapshot();
  for (const listener of listeners) listener(snapshot);
}

export function workSnapshot(): WorkSnapshot {
  return {cells: cells.size, tasks: [...tasks.values()]};
}

/** Calls `listener` on every change of the running work; returns the unsubscribe function. */
export function onWork(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Marks a computing cell (keyed by any identity) as running or settled. */
export function setCellRunning(cell: unknown, running: boolean): void {
  if (running === cells.has(cell)) return;
  if (running) cells.add(cell);
  else cells.delete(cell);
  notify();
}

export interface TrackOptions {
  /** the cell's `invalidation` promise: resolves when a newer input re-runs the cell, which cancels this task */
  invalidation?: Promise<unknown>;
  /** what the busy indicator names: "generating" */
  label?: string;
}

/**
 * Runs cancellable work: `task(signal)` gets an AbortSignal that aborts when a newer input re-runs the cell
 * (`invalidation`) or the user presses Stop. Use it in a cell as
 * `const out = await track((signal) => generate(model, prompt, {signal}), {invalidation, label: "generating"})`.
 */
export async function track<T>(task: (signal: AbortSignal) => Promise<T> | T, options: TrackOptions = {}): Promise<T> {
  const {invalidation, label = "working"} = options;
  const controller = new AbortController();
  void invalidation?.then(() => controller.abort(new WorkCancelled(`${label} cancelled by a newer input`)));
  tasks.set(controller, label);
  notify();
  try {
    const result = await task(controller.signal);
    controller.signal.throwIfAborted();
    return result;
  } finally {
    tasks.delete(controller);
    notify();
  }
}

/** Cancels every tracked task (the Stop control). */
export function stopAll(): void {
  for (const controller of tasks.keys()) controller.abort(new WorkCancelled("stopped"));
}

// The Start / Stop / Resume button of a training run, as an Observable input: its value counts the Start and Resume
// presses (a cell `const runs = view(trainControl(session))` re-runs the training cell on each), a press while the
// run trains stops it instead, and the text beside it follows the run ("running · step 120 of 300"). Given several
// sessions that train side by side, it shows and stops them together.
import type {SessionState, Snapshot, TrainingSession} from "./session.ts";
import "./train.css"; // the styles of every piece the training notebook shows

export interface ControlOptions {
  /** data-run attribute, for tests and styles: "train", "fine-tune" */
  name?: string;
  start?: string;
  resume?: string;
  stop?: string;
  done?: string;
}

export interface TrainControl extends HTMLFormElement {
  /** presses of Start or Resume */
  value: number;
}

/** One state for sessions that train together: running while any runs, done when all are, ready before any step. */
export function combinedState(states: readonly SessionState[]): SessionState {
  if (states.includes("running")) return "running";
  if (states.includes("diverged")) return "diverged";
  if (states.every((s) => s === "done")) return "done";
  if (states.every((s) => s === "ready")) return "ready";
  return "paused";
}

export function trainControl(
  which: TrainingSession | readonly TrainingSession[],
  options: ControlOptions = {}
): TrainControl {
  const sessions = Array.isArray(which) ? which : [which as TrainingSession];
  const {name = "train", start = "Start", resume = "Resume", stop = "Stop", done = "Finished"} = options;
  const form = document.createElement("form") as TrainControl;
  form.className = "gb-train-control";
  form.dataset.run = name;
  const button = form.appendChild(document.createElement("button"));
  button.type = "button";
  const status = form.appendChild(document.createElement("span"));
  status.className = "gb-train-status";
  form.value = 0;
  const text: Record<SessionState, string> = {ready: start, running: stop, paused: resume, done, diverged: done};
  const render = () => {
    const snapshots: Snapshot[] = sessions.map((s) => s.snapshot());
    const state = combinedState(snapshots.map((s) => s.state));
    const step = Math.min(...snapshots.map((s) => s.step));
    form.dataset.state = state;
    button.textContent = text[state];
    button.disabled = state === "done" || state === "diverged";
    const message = snapshots.map((s) => s.message).find(Boolean);
    status.textContent = message ?? (state === "ready" ? "" : `${state} · step ${step} of ${snapshots[0]!.target}`);
  };
  button.addEventListener("click", () => {
    if (sessions.some((s) => s.state === "running")) return sessions.forEach((s) => s.stop());
    form.value++;
    form.dispatchEvent(new Event("input", {bubbles: true}));
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const s of sessions) s.onUpdate(render);
  render();
  return form;
}

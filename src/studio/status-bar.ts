// The notebook page's top bar: a busy indicator and a Stop control whenever work runs, and the threading mode.
// `data-state` on #gb-status (loading | busy | idle) is also what browser tests wait on.
import {threadingMode} from "./isolation.ts";
import {onWork, stopAll, workSnapshot, type WorkSnapshot} from "./work.ts";

export function mountStatusBar(): void {
  const status = document.getElementById("gb-status");
  const stop = document.getElementById("gb-stop") as HTMLButtonElement | null;
  const isolation = document.getElementById("gb-isolation");
  if (isolation) isolation.textContent = threadingMode().label;
  if (!status || !stop) return;
  const text = status.querySelector(".gb-status-text") ?? status;
  stop.addEventListener("click", stopAll);
  const render = ({cells, tasks}: WorkSnapshot) => {
    const busy = cells > 0 || tasks.length > 0;
    status.dataset.state = busy ? "busy" : "idle";
    text.textContent = busy ? describe(cells, tasks) : "ready";
    stop.hidden = !busy;
    stop.disabled = tasks.length === 0;
    stop.title = tasks.length ? `stop ${tasks.join(", ")}` : "nothing cancellable is running";
  };
  onWork(render);
  // Module scripts run before DOMContentLoaded, so by then every cell of the page is defined.
  const settle = () => render(workSnapshot());
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settle, {once: true});
  else settle();
}

function describe(cells: number, tasks: string[]): string {
  const parts = [...new Set(tasks)];
  if (cells > 0) parts.push(`computing ${cells} cell${cells === 1 ? "" : "s"}`);
  return `${parts.join(", ")}…`;
}

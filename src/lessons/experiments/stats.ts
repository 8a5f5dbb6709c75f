// A row of labelled figures under a chart ("weight SQNR 23.7 dB", "bytes dequantized per step 450 KiB"), each with a
// stable data attribute (`data-stat="sqnr"`, `data-value="23.7"`) so browser tests read the number, not the text.
import "./lessons.css";

export interface Stat {
  /** data-stat key, e.g. "bytes-dequantized-per-step" */
  key: string;
  label: string;
  /** the number tests read (written to data-value) */
  value: number;
  /** how it is shown */
  text: string;
}

export function statList(stats: readonly Stat[]): HTMLElement {
  const root = document.createElement("dl");
  root.className = "gb-stats";
  for (const s of stats) {
    const item = root.appendChild(document.createElement("div"));
    item.dataset.stat = s.key;
    item.dataset.value = String(s.value);
    item.appendChild(document.createElement("dt")).textContent = s.label;
    item.appendChild(document.createElement("dd")).textContent = s.text;
  }
  return root;
}

export {formatBytes, formatMs} from "../../viz/format.ts";

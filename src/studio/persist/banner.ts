// A question or notice above the notebook that needs the user: a conflict (both versions shown, the user chooses),
// an imported notebook waiting for trust. Buttons only; the first one gets focus so a keyboard user lands on it.
// A choice that cannot be carried out (it throws: the copy it keeps first does not fit in storage) leaves the
// question open and says why.
import {cellDifferences, MODE_LABELS, type Notebook} from "../notebook/cells.ts";
import {showNotice} from "../notices.ts";

export interface BannerChoice {
  label: string;
  /** data-choice, for tests and styling */
  id: string;
  run: () => void;
}

const BANNERS_ID = "gb-banners";

function container(): HTMLElement {
  let element = document.getElementById(BANNERS_ID);
  if (!element) {
    element = document.createElement("div");
    element.id = BANNERS_ID;
    (document.querySelector("main") ?? document.body).before(element);
  }
  return element;
}

export function showBanner(kind: string, message: string, choices: BannerChoice[], details?: Node): HTMLElement {
  container().querySelector(`[data-banner="${kind}"]`)?.remove();
  const banner = container().appendChild(document.createElement("section"));
  banner.className = "gb-banner";
  banner.dataset.banner = kind;
  banner.setAttribute("role", "alertdialog");
  banner.setAttribute("aria-label", message);
  banner.appendChild(document.createElement("p")).textContent = message;
  if (details) banner.appendChild(details);
  const buttons = banner.appendChild(document.createElement("div"));
  buttons.className = "gb-banner-choices";
  for (const choice of choices) {
    const button = buttons.appendChild(document.createElement("button"));
    button.type = "button";
    button.dataset.choice = choice.id;
    button.textContent = choice.label;
    button.addEventListener("click", () => {
      try {
        choice.run();
      } catch (error) {
        showNotice(`not done: ${error instanceof Error ? error.message : error}`);
        return;
      }
      banner.remove();
    });
  }
  (buttons.firstElementChild as HTMLElement | null)?.focus();
  return banner;
}

export function closeBanner(kind: string): void {
  document.querySelector(`#${BANNERS_ID} [data-banner="${kind}"]`)?.remove();
}

/** Both versions of every cell that differs, side by side, as text. */
export function differencesView(ours: Notebook, theirs: Notebook, labels: [string, string]): HTMLElement {
  const table = document.createElement("table");
  table.className = "gb-diff";
  const head = table.createTHead().insertRow();
  for (const text of ["cell", ...labels]) head.appendChild(document.createElement("th")).textContent = text;
  const body = table.createTBody();
  if (ours.title !== theirs.title) addRow(body, "title", ours.title, theirs.title);
  for (const {id, ours: a, theirs: b} of cellDifferences(ours, theirs)) {
    const describe = (c: typeof a) => (c ? `${MODE_LABELS[c.mode] ?? c.mode}\n${c.value}` : "(no such cell)");
    addRow(body, String(id), describe(a), describe(b));
  }
  return table;
}

function addRow(body: HTMLTableSectionElement, label: string, ours: string, theirs: string): void {
  const row = body.insertRow();
  row.insertCell().textContent = label;
  for (const text of [ours, theirs]) {
    const pre = row.insertCell().appendChild(document.createElement("pre"));
    pre.textContent = text;
  }
}

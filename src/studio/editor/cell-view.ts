// The page around one cell: a toolbar (run, mode, pin, hide, move, duplicate, delete, add below, and whatever the
// session adds: the export menu), the cell's output root (notebook-kit's `#cell-N`), its source (a CodeMirror
// editor, or plain text for a read-only notebook) and a place for compile errors. Plain buttons and a select, so
// every action works from the keyboard.
import type {DefineState} from "@observablehq/notebook-kit/runtime";
import {EDITABLE_MODES, MODE_LABELS, type Cell} from "../notebook/cells.ts";
import {createCellEditor, type CellEditor} from "./codemirror.ts";

export type CellAction = "run" | "edit" | "pin" | "hide" | "up" | "down" | "duplicate" | "delete" | "add";

export interface CellViewHandlers {
  action: (id: number, action: CellAction) => void;
  mode: (id: number, mode: string) => void;
  change: (id: number, value: string) => void;
}

const BUTTONS: [CellAction, string, string][] = [
  ["run", "Run", "run this cell (Shift-Enter in the editor)"],
  ["edit", "Edit", "show or hide the source"],
  ["pin", "Pin", "keep the source visible"],
  ["hide", "Hide output", "hide this cell's output"],
  ["up", "↑", "move up"],
  ["down", "↓", "move down"],
  ["duplicate", "Duplicate", "duplicate this cell"],
  ["delete", "Delete", "delete this cell"],
  ["add", "+ Cell", "add a cell below"]
];

export class CellView {
  readonly section: HTMLElement;
  readonly bar: HTMLElement;
  readonly root: HTMLDivElement;
  readonly state: DefineState;
  private readonly source: HTMLElement;
  private readonly error: HTMLElement;
  private editor: CellEditor | null = null;
  private editing = false;
  cell: Cell;

  constructor(
    cell: Cell,
    private readonly handlers: CellViewHandlers,
    private readonly readOnly: boolean,
    existing?: DefineState
  ) {
    this.cell = cell;
    this.section = document.createElement("section");
    this.section.className = "gb-cell";
    this.section.dataset.cellId = String(cell.id);
    this.bar = this.section.appendChild(document.createElement("div"));
    this.bar.className = "gb-cell-bar";
    this.bar.setAttribute("role", "toolbar");
    this.bar.setAttribute("aria-label", `cell ${cell.id}`);
    this.root = existing?.root ?? document.createElement("div");
    this.root.id = `cell-${cell.id}`;
    this.root.classList.add("observablehq", "observablehq--cell");
    this.section.appendChild(this.root);
    this.source = this.section.appendChild(document.createElement("div"));
    this.source.className = "gb-cell-source";
    this.error = this.section.appendChild(document.createElement("div"));
    this.error.className = "gb-cell-error";
    this.error.setAttribute("role", "alert");
    this.state = existing ?? {root: this.root, expanded: [], variables: []};
    if (!readOnly) this.buildBar();
    this.render();
  }

  private buildBar(): void {
    const id = this.cell.id;
    for (const [action, text, title] of BUTTONS) {
      const button = this.bar.appendChild(document.createElement("button"));
      button.type = "button";
      button.dataset.action = action;
      button.textContent = text;
      button.title = title;
      button.setAttribute("aria-label", `${title} (cell ${id})`);
      button.addEventListener("click", () => this.handlers.action(id, action));
    }
    const select = document.createElement("select");
    select.dataset.action = "mode";
    select.setAttribute("aria-label", `mode of cell ${id}`);
    const modes = (EDITABLE_MODES as readonly string[]).includes(this.cell.mode)
      ? EDITABLE_MODES
      : [this.cell.mode, ...EDITABLE_MODES];
    for (const mode of modes) select.add(new Option(MODE_LABELS[mode] ?? mode, mode));
    select.value = this.cell.mode;
    select.addEventListener("change", () => this.handlers.mode(id, select.value));
    this.bar.insertBefore(select, this.bar.children[2] ?? null);
  }

  /** Shows or hides the source editor (a pinned cell always shows it). */
  toggleEditing(): void {
    this.editing = !this.editing;
    this.render();
    if (this.editing) this.editor?.focus();
  }

  focusEditor(): void {
    this.editing = true;
    this.render();
    this.editor?.focus();
  }

  /** The text in the editor (may be ahead of the last run). */
  value(): string {
    return this.editor?.value() ?? this.cell.value;
  }

  update(cell: Cell): void {
    const modeChanged = cell.mode !== this.cell.mode;
    this.cell = cell;
    if (modeChanged) this.editor?.setMode(cell.mode);
    this.render();
  }

  showError(error: unknown): void {
    this.error.textContent = error ? String(error instanceof Error ? error.message : error) : "";
    this.section.classList.toggle("gb-cell--error", !!error);
  }

  private render(): void {
    const {cell} = this;
    const showSource = this.readOnly || cell.pinned || this.editing;
    this.source.hidden = !showSource;
    if (showSource && !this.editor && !this.readOnly) {
      this.editor = createCellEditor(this.source, {
        value: cell.value,
        mode: cell.mode,
        label: `source of cell ${cell.id}`,
        onRun: () => this.handlers.action(cell.id, "run"),
        onChange: (value) => this.handlers.change(cell.id, value)
      });
    }
    if (this.readOnly && !this.source.firstChild) {
      // Untrusted code is shown as text: textContent never parses it as HTML.
      const pre = this.source.appendChild(document.createElement("pre"));
      pre.className = `gb-readonly-source language-${cell.mode}`;
      pre.textContent = cell.value;
    }
    this.section.dataset.mode = cell.mode;
    this.section.classList.toggle("gb-cell--hidden-output", cell.hidden);
    const set = (action: string, pressed: boolean) =>
      this.bar.querySelector(`[data-action=${action}]`)?.setAttribute("aria-pressed", String(pressed));
    set("pin", cell.pinned);
    set("hide", cell.hidden);
    this.bar.querySelector("[data-action=edit]")?.setAttribute("aria-expanded", String(showSource));
    const select = this.bar.querySelector<HTMLSelectElement>("[data-action=mode]");
    if (select) select.value = cell.mode;
  }

  destroy(): void {
    this.editor?.destroy();
    this.section.remove();
  }
}

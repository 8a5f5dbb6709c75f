// The notebook as data, and the edits a user makes to it: add, delete, move, duplicate a cell, change its mode,
// source, pinned or hidden flag, rename the notebook. Every edit returns a new Notebook (the old one is what undo,
// conflicts and "revert" compare against). Pure: no DOM, so unit tests and the page share it.
import type {Cell, Notebook} from "@observablehq/notebook-kit";

export type {Cell, Notebook};

/** The cell modes the editor offers (a file may hold others: they keep their mode and are edited as text). */
export const EDITABLE_MODES = ["js", "ts", "ojs", "md", "html"] as const;
export type EditableMode = (typeof EDITABLE_MODES)[number];

export const MODE_LABELS: Record<string, string> = {
  js: "JavaScript",
  ts: "TypeScript",
  ojs: "Observable JS",
  md: "Markdown",
  html: "HTML"
};

export function toEditableMode(mode: string): EditableMode {
  if (!(EDITABLE_MODES as readonly string[]).includes(mode)) throw new Error(`invalid mode: ${mode}`);
  return mode as EditableMode;
}

export function newCell(id: number, mode: Cell["mode"] = "js", value = ""): Cell {
  // notebook-kit's defaults: code cells show their source, Markdown and HTML cells show their output.
  return {id, value, mode, pinned: mode === "js" || mode === "ts" || mode === "ojs", hidden: false};
}

export function nextCellId(notebook: Notebook): number {
  return notebook.cells.reduce((max, c) => Math.max(max, c.id), 0) + 1;
}

function indexOf(notebook: Notebook, id: number): number {
  const i = notebook.cells.findIndex((c) => c.id === id);
  if (i < 0) throw new Error(`invalid cell: ${id}`);
  return i;
}

function withCells(notebook: Notebook, cells: Cell[]): Notebook {
  return {...notebook, cells};
}

/** Inserts a new empty cell after `afterId` (null: at the top). */
export function addCell(notebook: Notebook, afterId: number | null, mode: Cell["mode"] = "js"): Notebook {
  const cells = [...notebook.cells];
  const at = afterId === null ? 0 : indexOf(notebook, afterId) + 1;
  cells.splice(at, 0, newCell(nextCellId(notebook), mode));
  return withCells(notebook, cells);
}

export function deleteCell(notebook: Notebook, id: number): Notebook {
  indexOf(notebook, id);
  return withCells(
    notebook,
    notebook.cells.filter((c) => c.id !== id)
  );
}

/** Moves a cell up (delta -1) or down (+1); at either end it stays. */
export function moveCell(notebook: Notebook, id: number, delta: -1 | 1): Notebook {
  const i = indexOf(notebook, id);
  const j = i + delta;
  if (j < 0 || j >= notebook.cells.length) return notebook;
  const cells = [...notebook.cells];
  [cells[i], cells[j]] = [cells[j]!, cells[i]!];
  return withCells(notebook, cells);
}

/**
 * Copies a cell below itself with a new id. The copy of a cell that declares names would redefine them, so its
 * source is kept but the user sees the duplicate-definition error until they rename: nothing is rewritten silently.
 */
export function duplicateCell(notebook: Notebook, id: number): Notebook {
  const i = indexOf(notebook, id);
  const cells = [...notebook.cells];
  cells.splice(i + 1, 0, {...cells[i]!, id: nextCellId(notebook)});
  return withCells(notebook, cells);
}

export type CellPatch = Partial<Pick<Cell, "value" | "mode" | "pinned" | "hidden">>;

export function updateCell(notebook: Notebook, id: number, patch: CellPatch): Notebook {
  const i = indexOf(notebook, id);
  const cells = [...notebook.cells];
  cells[i] = {...cells[i]!, ...patch};
  return withCells(notebook, cells);
}

export function renameNotebook(notebook: Notebook, title: string): Notebook {
  const trimmed = title.trim();
  if (!trimmed) throw new Error("invalid title: a notebook needs a title");
  return {...notebook, title: trimmed};
}

/** The fields a notebook file stores for a cell; what "identical" means for conflicts and round trips. */
function cellKey(c: Cell): string {
  return JSON.stringify([c.id, c.mode, c.value, !!c.pinned, !!c.hidden, c.output ?? null]);
}

export function sameCell(a: Cell, b: Cell): boolean {
  return cellKey(a) === cellKey(b);
}

export function sameNotebook(a: Notebook, b: Notebook): boolean {
  return a.title === b.title && a.cells.length === b.cells.length && a.cells.every((c, i) => sameCell(c, b.cells[i]!));
}

export interface CellDifference {
  id: number;
  ours: Cell | null;
  theirs: Cell | null;
}

/** The cells that differ between two versions, in `ours` order then the cells only `theirs` has. */
export function cellDifferences(ours: Notebook, theirs: Notebook): CellDifference[] {
  const theirsById = new Map(theirs.cells.map((c) => [c.id, c]));
  const differences: CellDifference[] = [];
  for (const cell of ours.cells) {
    const other = theirsById.get(cell.id) ?? null;
    if (!other || !sameCell(cell, other)) differences.push({id: cell.id, ours: cell, theirs: other});
  }
  const oursIds = new Set(ours.cells.map((c) => c.id));
  for (const cell of theirs.cells) if (!oursIds.has(cell.id)) differences.push({id: cell.id, ours: null, theirs: cell});
  return differences;
}

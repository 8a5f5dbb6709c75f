import {describe, expect, it} from "vitest";
import {
  addCell,
  cellDifferences,
  deleteCell,
  duplicateCell,
  moveCell,
  newCell,
  renameNotebook,
  sameNotebook,
  toEditableMode,
  updateCell,
  type Notebook
} from "../../src/studio/notebook/cells.ts";

const notebook: Notebook = {
  title: "T",
  theme: "air",
  readOnly: false,
  cells: [newCell(1, "md", "# T"), newCell(2, "js", "1 + 1"), newCell(5, "js", "x")]
};
const ids = (n: Notebook) => n.cells.map((c) => c.id);

describe("notebook edits", () => {
  it("addCell(notebook, afterId) inserts an empty cell with the next id", () => {
    expect(ids(addCell(notebook, 1))).toEqual([1, 6, 2, 5]);
    expect(ids(addCell(notebook, null))).toEqual([6, 1, 2, 5]);
    expect(addCell(notebook, 5).cells[3]).toEqual({id: 6, value: "", mode: "js", pinned: true, hidden: false});
  });

  it("deleteCell, moveCell and duplicateCell return new notebooks and leave the old one alone", () => {
    expect(ids(deleteCell(notebook, 2))).toEqual([1, 5]);
    expect(ids(moveCell(notebook, 2, -1))).toEqual([2, 1, 5]);
    expect(moveCell(notebook, 1, -1)).toBe(notebook);
    expect(duplicateCell(notebook, 2).cells[2]).toMatchObject({id: 6, value: "1 + 1"});
    expect(ids(notebook)).toEqual([1, 2, 5]);
    expect(() => deleteCell(notebook, 9)).toThrow("invalid cell: 9");
  });

  it("updateCell, renameNotebook and toEditableMode validate what they change", () => {
    expect(updateCell(notebook, 2, {mode: "ts", pinned: false}).cells[1]).toMatchObject({mode: "ts", pinned: false});
    expect(renameNotebook(notebook, "  New  ").title).toBe("New");
    expect(() => renameNotebook(notebook, " ")).toThrow("invalid title");
    expect(() => toEditableMode("sql")).toThrow("invalid mode: sql");
  });

  it("sameNotebook and cellDifferences compare what a file stores", () => {
    const edited = updateCell(deleteCell(addCell(notebook, 5), 1), 2, {value: "2"});
    expect(sameNotebook(notebook, {...notebook, cells: notebook.cells.map((c) => ({...c}))})).toBe(true);
    expect(sameNotebook(notebook, edited)).toBe(false);
    expect(
      cellDifferences(edited, notebook).map((d) => [d.id, d.ours?.value ?? null, d.theirs?.value ?? null])
    ).toEqual([
      [2, "2", "1 + 1"],
      [6, "", null],
      [1, null, "# T"]
    ]);
  });
});

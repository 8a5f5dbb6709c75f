// What the server tells a notebook page about its own file (embedded by vite.node.ts as JSON, never executed): the
// file's path, the sha256 of its text (to notice it changed under local edits) and its cells as a Notebook, so the
// editor starts without loading the transpiler.
import type {Notebook} from "../notebook/cells.ts";

export const PAGE_DATA_ID = "gb-notebook-source";

export interface PageData {
  /** the notebook file, relative to the project root: `notebooks/rounding.html` */
  file: string;
  /** sha256 (hex) of the file's text as served */
  hash: string;
  notebook: Notebook;
}

export function readPageData(doc: Document = document): PageData | null {
  const script = doc.getElementById(PAGE_DATA_ID);
  return script?.textContent ? (JSON.parse(script.textContent) as PageData) : null;
}

/** Text safe inside <script type="application/json">: no `</script>` or `<!--` can end or change it. */
export function pageDataScript(data: PageData): string {
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<script type="application/json" id="${PAGE_DATA_ID}">${json}</script>`;
}

// The handout: the user picks cells (all that show something, by default) and code on or off; the page writes one
// static HTML file (snippet.ts) that opens by double-click, with no server and nothing to run.
import type {Notebook} from "../notebook/cells.ts";
import {downloadBlob} from "../notebook/file.ts";
import {slug} from "../notebook/text.ts";
import {showNotice} from "../notices.ts";
import {altText, type ExportedCell} from "./menu.ts";
import {collectProvenance} from "./provenance.ts";
import {cellFigure, handoutHtml} from "./snippet.ts";

/** What the handout needs of the open notebook; the editor's Session is one. */
export interface HandoutSource {
  readonly notebook: Notebook;
  readonly page: {readonly file: string};
  readonly views: ReadonlyMap<number, ExportedCell>;
}

export async function writeHandout(session: HandoutSource, cellIds: number[], includeCode: boolean): Promise<string> {
  const notebook = {title: session.notebook.title, file: session.page.file};
  const figures: string[] = [];
  for (const id of cellIds) {
    const view = session.views.get(id);
    if (!view) continue;
    const provenance = await collectProvenance(notebook, id);
    figures.push(
      cellFigure({cell: view.cell, output: view.root, alt: altText(notebook.title, view), provenance}, includeCode)
    );
  }
  return handoutHtml(session.notebook.title, figures, await collectProvenance(notebook, cellIds[0] ?? 0));
}

export function openHandoutDialog(session: HandoutSource): void {
  const dialog = document.body.appendChild(document.createElement("dialog"));
  dialog.className = "gb-dialog gb-handout";
  dialog.setAttribute("aria-label", "handout");
  const form = dialog.appendChild(document.createElement("form"));
  form.method = "dialog";
  form.appendChild(document.createElement("h2")).textContent = "Handout: one HTML file, print-ready";
  const list = form.appendChild(document.createElement("fieldset"));
  list.appendChild(document.createElement("legend")).textContent = "Cells";
  for (const cell of session.notebook.cells) {
    const label = list.appendChild(document.createElement("label"));
    const box = label.appendChild(document.createElement("input"));
    box.type = "checkbox";
    box.name = "cell";
    box.value = String(cell.id);
    box.checked = (session.views.get(cell.id)?.root.childNodes.length ?? 0) > 0;
    const first = cell.value.trim().split("\n")[0]!.slice(0, 60);
    label.append(` ${cell.id}: ${first}`);
  }
  const code = form.appendChild(document.createElement("label"));
  const codeBox = code.appendChild(document.createElement("input"));
  codeBox.type = "checkbox";
  codeBox.name = "code";
  codeBox.checked = true;
  code.append(" include code");
  const buttons = form.appendChild(document.createElement("div"));
  const make = buttons.appendChild(document.createElement("button"));
  make.type = "button";
  make.dataset.action = "write-handout";
  make.textContent = "Download handout";
  const cancel = buttons.appendChild(document.createElement("button"));
  cancel.textContent = "Cancel";
  make.addEventListener("click", async () => {
    const ids = [...list.querySelectorAll<HTMLInputElement>("input:checked")].map((b) => Number(b.value));
    try {
      const html = await writeHandout(session, ids, codeBox.checked);
      downloadBlob(new Blob([html], {type: "text/html"}), `${slug(session.notebook.title)}-handout.html`);
      dialog.close();
    } catch (error) {
      showNotice(`handout failed: ${error instanceof Error ? error.message : error}`);
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  dialog.showModal();
}

// Notebook Kit .html files in the browser: serialize for "download notebook" (the same format as notebooks/*.html,
// so `deserialize` reads it back identically), deserialize a file the user brings, and save a Blob as a download.
import {notebookKit} from "../editor/compile.ts";
import type {Notebook} from "../editor/cells.ts";
import {slug, tidyBooleanAttributes} from "./notebook-text.ts";

export async function notebookToHtml(notebook: Notebook): Promise<string> {
  const {serialize} = await notebookKit();
  return `${tidyBooleanAttributes(serialize(notebook))}\n`;
}

/** Reads a notebook file's cells. DOMParser documents never run scripts, so parsing untrusted text is safe. */
export async function htmlToNotebook(html: string, name: string): Promise<Notebook> {
  if (!/<notebook[\s>]/i.test(html)) {
    throw new Error(`${name} is not a Notebook Kit file: it has no <notebook> element`);
  }
  const {deserialize} = await notebookKit();
  return deserialize(html, {parser: new DOMParser()});
}

/** "Download notebook": the Notebook Kit file, named after the title. */
export async function downloadNotebook(notebook: Notebook): Promise<void> {
  const html = await notebookToHtml(notebook);
  downloadBlob(new Blob([html], {type: "text/html"}), `${slug(notebook.title)}.html`);
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link).click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

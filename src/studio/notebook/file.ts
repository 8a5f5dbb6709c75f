// Notebook Kit .html files in the browser: serialize for "download notebook" (the same format as notebooks/*.html,
// so `deserialize` reads it back identically), deserialize a file the user brings, and save a Blob as a download.
import type {Notebook} from "./cells.ts";
import {slug, tidyBooleanAttributes} from "./text.ts";

let kit: Promise<typeof import("@observablehq/notebook-kit")> | null = null;

/** notebook-kit's Build API (transpile, serialize, deserialize), loaded once: it carries the TypeScript compiler. */
export function notebookKit(): Promise<typeof import("@observablehq/notebook-kit")> {
  kit ??= import("@observablehq/notebook-kit");
  return kit;
}

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

// The notebooks of the studio: every `notebooks/*.html` (Notebook Kit 2.0 format), with the title and one-line
// description the gallery shows. The description is the first paragraph of the first Markdown cell that is not a
// heading, so it lives in the notebook itself and survives a serialize/deserialize round trip.
import {readFileSync, readdirSync} from "node:fs";
import {basename, join} from "node:path";
import {deserialize} from "@observablehq/notebook-kit";
import {JSDOM} from "jsdom";

export interface NotebookEntry {
  /** file name without extension, also the preview image name: `tokens` */
  name: string;
  /** path relative to the project root: `notebooks/tokens.html` */
  path: string;
  title: string;
  description: string;
  /** every cell's source, for dependency discovery */
  sources: string[];
}

const parser = new new JSDOM().window.DOMParser();

export function listNotebooks(root: string, dir = "notebooks"): NotebookEntry[] {
  const files = readdirSync(join(root, dir)).filter((f) => f.endsWith(".html"));
  return files.sort().map((file) => {
    const html = readFileSync(join(root, dir, file), "utf8");
    if (!isNotebookHtml(html)) throw new Error(`not a notebook: ${dir}/${file} has no <notebook> element`);
    const notebook = deserialize(html, {parser});
    const name = basename(file, ".html");
    return {
      name,
      path: `${dir}/${file}`,
      title: notebook.title || name,
      description: firstParagraph(notebook.cells.find((c) => c.mode === "md")?.value ?? ""),
      sources: notebook.cells.map((c) => c.value)
    };
  });
}

export function isNotebookHtml(html: string): boolean {
  return /<notebook[\s>]/i.test(html);
}

function firstParagraph(markdown: string): string {
  const paragraph = markdown
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p && !p.startsWith("#"));
  return (paragraph ?? "")
    .replace(/\$\{[^}]*\}/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Bare package specifiers the notebooks import (`import * as d3 from "d3"`, `import("htl")`), for Vite's dependency
 * pre-bundling: notebook pages have no <script> for its scanner to find, and a late discovery reloads the page.
 */
export function bareImports(notebooks: NotebookEntry[]): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"'./][^"':]*)["']/g;
  for (const source of notebooks.flatMap((n) => n.sources)) {
    for (const [, specifier] of source.matchAll(pattern)) found.add(specifier!);
  }
  return [...found].sort();
}

// Static HTML of cells: a snippet of one cell (its code as escaped text, its output as a static copy with inline
// styles, alt text and provenance) and the handout (chosen cells in one self-contained, print-ready HTML file that
// opens by double-click: no script, no external file, system fonts).
import type {Cell} from "../notebook/cells.ts";
import {escapeHtml} from "../notebook/text.ts";
import {staticCopy} from "./capture.ts";
import {provenanceLine, type Provenance} from "./provenance.ts";

const CODE_STYLE =
  "margin:0 0 8px;padding:8px 12px;background:#f6f7f9;border:1px solid #e3e5e8;border-radius:4px;" +
  "font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere;color:#1f2328";
const FIGURE_STYLE = "margin:0 0 24px;padding:0;break-inside:avoid;color:#1f2328;background:#ffffff";
const CAPTION_STYLE = "margin-top:6px;font:12px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#59636e";

export interface CellExport {
  cell: Cell;
  /** the cell's output root */
  output: Element;
  alt: string;
  provenance: Provenance;
}

/** Whether a cell's code is worth showing: Markdown and HTML cells show their rendered output instead. */
function hasCode(cell: Cell): boolean {
  return cell.mode !== "md" && cell.mode !== "html" && cell.value.trim() !== "";
}

export function cellFigure({cell, output, alt, provenance}: CellExport, includeCode = true): string {
  const code =
    includeCode && hasCode(cell)
      ? `<pre style="${CODE_STYLE}"><code class="language-${cell.mode}">${escapeHtml(cell.value)}</code></pre>`
      : "";
  const copy = staticCopy(output);
  // A static copy shows everything: no scroll box (an Inputs.table scrolls in the page) may hide rows on paper.
  for (const element of [copy, ...copy.querySelectorAll<HTMLElement>("*")] as HTMLElement[]) {
    if (/auto|scroll|hidden/.test(element.style.overflow ?? "")) element.style.overflow = "visible";
    if (element.style.maxHeight) element.style.maxHeight = "none";
  }
  copy.setAttribute("role", "img");
  copy.setAttribute("aria-label", alt);
  return (
    `<figure class="glassbox-cell" data-cell="${cell.id}" data-provenance="${escapeHtml(JSON.stringify(provenance))}" style="${FIGURE_STYLE}">` +
    `${code}${copy.outerHTML}` +
    `<figcaption style="${CAPTION_STYLE}">${escapeHtml(alt)}<br>${escapeHtml(provenanceLine(provenance))}</figcaption>` +
    `</figure>`
  );
}

const HANDOUT_CSS = `
:root { color-scheme: light; }
body { margin: 32px auto; max-width: 960px; padding: 0 24px; background: #fff; color: #1f2328;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { margin-bottom: 24px; border-bottom: 1px solid #e3e5e8; }
header h1 { margin: 0 0 4px; font-size: 28px; }
header p { margin: 0 0 12px; font-size: 12px; color: #59636e; }
img { max-width: 100%; }
@page { size: A4; margin: 16mm; }
@media print { body { margin: 0; max-width: none; padding: 0; } figure { break-inside: avoid; } }
`;

/** The handout's own policy, since a file opened from disk has no server to send one: nothing runs, nothing loads. */
const HANDOUT_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

export function handoutHtml(title: string, figures: string[], provenance: Provenance): string {
  const {cell: _cell, ...notebookProvenance} = provenance;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HANDOUT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="glassbox ${escapeHtml(provenance.appVersion)}">
<title>${escapeHtml(title)}</title>
<style>${HANDOUT_CSS}</style>
</head>
<body>
<header data-provenance="${escapeHtml(JSON.stringify(notebookProvenance))}"><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(provenanceLine(provenance).replace(/, cell \d+/, ""))} · ${escapeHtml(provenance.exportedAt)}</p></header>
<main>
${figures.join("\n")}
</main>
</body>
</html>
`;
}

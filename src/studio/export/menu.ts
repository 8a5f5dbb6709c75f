// The Export menu of each cell: PNG (2x, slide), SVG (when the output holds a chart), HTML snippet, Markdown, and the
// cell's value as Arrow / CSV / JSON (when it is tabular). Each file carries alt text and provenance.
import type {Cell} from "../notebook/cells.ts";
import {downloadBlob} from "../notebook/file.ts";
import {slug} from "../notebook/text.ts";
import {showNotice} from "../notices.ts";
import {arrowBlob, asTable, csvBlob, jsonBlob} from "./data.ts";
import {cellMarkdown} from "./markdown.ts";
import {collectProvenance, type Provenance} from "./provenance.ts";
import {rasterize, type RasterSize} from "./raster.ts";
import {cellFigure} from "./snippet.ts";
import {mainSvg, standaloneSvg} from "./svg.ts";
import type {Table} from "apache-arrow";

/** The notebook a cell is exported from; read at export time, since the title and file can change while editing. */
export interface ExportSource {
  title: string;
  file: string;
}

/** What exporting needs of a cell on the page; the editor's CellView is one (export reads no editor state). */
export interface ExportedCell {
  readonly cell: Cell;
  /** the cell's output root */
  readonly root: HTMLElement;
  /** the cell's toolbar, where the menu goes */
  readonly bar: HTMLElement;
  /** the runtime variables the cell defines: its own value first, then its outputs */
  readonly state: {readonly variables: readonly unknown[]};
}

/** The alt text of a cell's output: the chart's own label when it has one, else what it is. */
export function altText(notebookTitle: string, view: ExportedCell): string {
  const labelled = view.root.querySelector("[aria-label]")?.getAttribute("aria-label")?.trim();
  if (labelled) return labelled;
  const heading = view.root.querySelector("h1, h2, h3")?.textContent?.trim();
  if (heading) return heading;
  return `Output of cell ${view.cell.id} of "${notebookTitle}"`;
}

/** The first tabular value among the cell's variables (its outputs first, then the cell's own value). */
export function cellTable(view: ExportedCell): Table | null {
  const values = view.state.variables.map((v) => (v as unknown as {_value: unknown})._value);
  for (const value of [...values.slice(1), ...values.slice(0, 1)]) {
    const table = asTable(value);
    if (table) return table;
  }
  return null;
}

export function pngText(alt: string, provenance: Provenance): Record<string, string> {
  return {
    Title: `${provenance.notebook.title}, cell ${provenance.cell}`,
    Description: alt,
    Software: `glassbox ${provenance.appVersion}`,
    "glassbox:provenance": JSON.stringify(provenance)
  };
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

interface ExportContext {
  view: ExportedCell;
  alt: string;
  provenance: Provenance;
  name: string;
}

interface ExportItem {
  id: string;
  label: string;
  /** what the output must hold for this export */
  needs: "svg" | "table" | null;
  make: (context: ExportContext) => Promise<[Blob, string]>;
}

const png = ({view, alt, provenance}: ExportContext, size: RasterSize) =>
  rasterize(view.root, size, pngText(alt, provenance));

export const EXPORTS: ExportItem[] = [
  {
    id: "png",
    label: "PNG (2×)",
    needs: null,
    make: async (c) => [await png(c, {kind: "scale", scale: 2}), `${c.name}.png`]
  },
  {
    id: "png-slide",
    label: "PNG slide 1920×1080",
    needs: null,
    make: async (c) => [await png(c, {kind: "slide"}), `${c.name}-slide.png`]
  },
  {
    id: "svg",
    label: "SVG",
    needs: "svg",
    make: async ({view, alt, provenance, name}) => [
      new Blob([await standaloneSvg(mainSvg(view.root)!, alt, provenance)], {type: "image/svg+xml"}),
      `${name}.svg`
    ]
  },
  {
    id: "html",
    label: "HTML snippet",
    needs: null,
    make: async ({view, alt, provenance, name}) => [
      new Blob([`${cellFigure({cell: view.cell, output: view.root, alt, provenance})}\n`], {type: "text/html"}),
      `${name}.html`
    ]
  },
  {
    id: "markdown",
    label: "Markdown",
    needs: null,
    make: async (c) => {
      const image = await blobToDataUrl(await png(c, {kind: "scale", scale: 2}));
      return [
        new Blob([cellMarkdown(c.view.cell, image, c.alt, c.provenance)], {type: "text/markdown"}),
        `${c.name}.md`
      ];
    }
  },
  {
    id: "arrow",
    label: "Arrow",
    needs: "table",
    make: async (c) => [arrowBlob(cellTable(c.view)!, c.provenance), `${c.name}.arrow`]
  },
  {id: "csv", label: "CSV", needs: "table", make: async (c) => [csvBlob(cellTable(c.view)!), `${c.name}.csv`]},
  {
    id: "json",
    label: "JSON",
    needs: "table",
    make: async (c) => [jsonBlob(cellTable(c.view)!, c.provenance), `${c.name}.json`]
  }
];

const MISSING = {
  svg: "the output holds no SVG chart",
  table: "the cell's value is not a table, records or a typed array"
};

export function attachExportMenu(source: () => ExportSource, view: ExportedCell): void {
  const menu = view.bar.appendChild(document.createElement("details"));
  menu.className = "gb-menu gb-export";
  const summary = menu.appendChild(document.createElement("summary"));
  summary.textContent = "Export";
  summary.setAttribute("aria-label", `export cell ${view.cell.id}`);
  const panel = menu.appendChild(document.createElement("div"));
  panel.className = "gb-menu-panel";
  const render = () => {
    const has = {svg: !!mainSvg(view.root), table: !!cellTable(view)};
    panel.replaceChildren();
    for (const item of EXPORTS) {
      const reason = item.needs && !has[item.needs] ? MISSING[item.needs] : null;
      const button = panel.appendChild(document.createElement("button"));
      button.type = "button";
      button.dataset.export = item.id;
      button.textContent = item.label;
      button.disabled = reason !== null;
      button.title = reason ?? `download ${item.label}`;
      button.addEventListener("click", () => void run(item));
    }
  };
  const run = async (item: ExportItem) => {
    try {
      const notebook = source();
      const provenance = await collectProvenance(notebook, view.cell.id);
      const name = `${slug(notebook.title)}-cell-${view.cell.id}`;
      const [blob, filename] = await item.make({view, alt: altText(notebook.title, view), provenance, name});
      downloadBlob(blob, filename);
      menu.open = false;
    } catch (error) {
      showNotice(`export failed: ${error instanceof Error ? error.message : error}`);
    }
  };
  menu.addEventListener("toggle", () => menu.open && render());
}

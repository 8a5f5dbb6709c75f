// The gallery cards: title, one-line description and preview image of each notebook, rendered at dev/build time so
// the gallery page needs no script. Previews are screenshots committed in `public/previews/<name>.png`, written
// by the browser suite (`GLASSBOX_PREVIEWS=1`); a notebook without one gets a titled placeholder.
import {existsSync} from "node:fs";
import {join} from "node:path";
import type {NotebookEntry} from "./notebooks.node.ts";

export const PREVIEWS_DIR = "public/previews";

export function renderGallery(notebooks: NotebookEntry[], root: string): string {
  return notebooks
    .map(({name, path, title, description}) => {
      const preview = existsSync(join(root, PREVIEWS_DIR, `${name}.png`))
        ? `<img src="/previews/${name}.png" alt="Preview of ${escapeHtml(title)}" width="480" height="300">`
        : `<div class="gb-card-placeholder" aria-hidden="true">${escapeHtml(title)}</div>`;
      return `<li><a class="gb-card" href="./${path}" data-notebook="${name}">${preview}<h2>${escapeHtml(title)}</h2><p>${escapeHtml(description)}</p></a></li>`;
    })
    .join("\n");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

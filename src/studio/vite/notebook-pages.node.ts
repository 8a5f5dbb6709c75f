// The studio's pages: notebook-kit's own Vite plugin renders `notebooks/*.html` (static Markdown/HTML, transpiled
// cells, one `define()` per cell) into our template; every other page (the gallery `index.html`) passes through
// untouched instead of becoming an empty notebook, the gallery gets one card per notebook, and every page gets the
// CSP meta tag.
import {fileURLToPath} from "node:url";
import {observable} from "@observablehq/notebook-kit/vite";
import type {IndexHtmlTransformHook, Plugin} from "vite";
import {CONTENT_SECURITY_POLICY} from "./csp.ts";
import {renderGallery} from "./gallery.node.ts";
import {isNotebookHtml, listNotebooks} from "./notebooks.node.ts";

export const TEMPLATE = fileURLToPath(new URL("../template.html", import.meta.url));

/** The marker in `index.html` replaced by the notebook cards. */
export const GALLERY_MARKER = "<!-- glassbox:gallery -->";

export function notebookPages({root}: {root: string}): Plugin[] {
  // The plugin puts the notebook title before the template's <title> text ("Glassbox"): add the separator.
  const kit = observable({
    template: TEMPLATE,
    transformNotebook: (notebook) => ({...notebook, title: `${notebook.title} · `})
  }) as Plugin;
  const transform = kit.transformIndexHtml as {order: "pre"; handler: IndexHtmlTransformHook};
  return [
    {
      ...kit,
      name: "glassbox:notebook-pages",
      transformIndexHtml: {
        order: "pre",
        handler(html, context) {
          return isNotebookHtml(html) ? transform.handler.call(this, html, context) : html;
        }
      }
    },
    {
      name: "glassbox:gallery",
      transformIndexHtml: {
        order: "pre",
        handler(html) {
          if (!html.includes(GALLERY_MARKER)) return html;
          return html.replace(GALLERY_MARKER, renderGallery(listNotebooks(root), root));
        }
      }
    },
    {
      name: "glassbox:csp",
      transformIndexHtml: () => [
        {
          tag: "meta",
          attrs: {"http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY},
          injectTo: "head-prepend"
        }
      ]
    }
  ];
}

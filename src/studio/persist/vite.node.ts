// The editor's side of the studio's Vite setup:
// - every notebook page gets its file's cells and sha256 as JSON (page-data.ts), and imports `define` from the
//   editor's define.ts (which records each cell's state, then hands it to the studio runtime) instead of
//   `observable:runtime`;
// - in dev, POST /__glassbox/save writes a notebook back to its file with notebook-kit's serialize(), refusing (409)
//   when the file changed on disk since the edits started.
import {createHash} from "node:crypto";
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {join, relative} from "node:path";
import {deserialize, serialize, type Notebook} from "@observablehq/notebook-kit";
import {JSDOM} from "jsdom";
import type {Connect, Plugin} from "vite";
import {tidyBooleanAttributes} from "../notebook/text.ts";
import {pageDataScript} from "./page-data.ts";
import {SAVE_ENDPOINT, type SaveRequest, type SaveResponse} from "./save-file.ts";

const RUNTIME_IMPORT = 'import {define} from "observable:runtime";';
const EDITOR_IMPORT = 'import {define} from "/src/studio/editor/define.ts";';
/** Notebook files the save endpoint may write: one level under notebooks/, plain names. */
const SAVABLE = /^notebooks\/[\w.-]+\.html$/;
const MAX_BODY_BYTES = 8 << 20;

const window = new JSDOM().window;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function readNotebookFile(path: string): {hash: string; notebook: Notebook} {
  const text = readFileSync(path, "utf8");
  return {hash: sha256(text), notebook: deserialize(text, {parser: new window.DOMParser()})};
}

export function writeNotebookText(notebook: Notebook): string {
  return `${tidyBooleanAttributes(serialize(notebook, {document: window.document}))}\n`;
}

export function notebookEditing({root}: {root: string}): Plugin {
  return {
    name: "glassbox:notebook-editing",
    transformIndexHtml: {
      order: "pre",
      handler(html, context) {
        if (!html.includes(RUNTIME_IMPORT) || !context.filename) return html;
        const file = relative(root, context.filename).split("\\").join("/");
        const data = pageDataScript({file, ...readNotebookFile(context.filename)});
        return html.replace(RUNTIME_IMPORT, EDITOR_IMPORT).replace("</body>", `${data}</body>`);
      }
    },
    configureServer(server) {
      server.middlewares.use(SAVE_ENDPOINT, saveMiddleware(root));
    }
  };
}

export function saveMiddleware(root: string): Connect.NextHandleFunction {
  return (request, response) => {
    const reply = (status: number, body: SaveResponse) => {
      response.statusCode = status;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST") return reply(405, {ok: false, error: "use POST"});
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) request.destroy();
    });
    request.on("end", () => {
      let save: SaveRequest;
      try {
        save = JSON.parse(body) as SaveRequest;
      } catch {
        return reply(400, {ok: false, error: "invalid request: not JSON"});
      }
      if (typeof save.file !== "string" || !SAVABLE.test(save.file)) {
        return reply(400, {ok: false, error: `invalid file: ${save.file}`});
      }
      const path = join(root, save.file);
      if (!existsSync(path)) return reply(404, {ok: false, error: `no such notebook: ${save.file}`});
      const current = readNotebookFile(path);
      if (current.hash !== save.base) {
        return reply(409, {ok: false, error: `${save.file} changed on disk since your edits started`, ...current});
      }
      let text: string;
      try {
        text = writeNotebookText(save.notebook);
      } catch (error) {
        return reply(400, {ok: false, error: `invalid notebook: ${error instanceof Error ? error.message : error}`});
      }
      writeFileSync(path, text);
      reply(200, {ok: true, hash: sha256(text)});
    });
  };
}

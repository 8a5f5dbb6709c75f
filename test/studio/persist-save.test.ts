// The dev server's save endpoint: writes a notebook back to its file with notebook-kit's serialize(), refuses (409)
// when the file changed on disk since the edits started, and refuses paths outside notebooks/*.html.
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readNotebookFile, saveMiddleware, sha256} from "../../src/studio/persist/vite.node.ts";

const FILE = `<!doctype html>
<notebook theme="air">
  <title>Saved</title>
  <script id="1" type="text/markdown">
    # Saved
  </script>
  <script id="2" type="module" pinned>
    const s = "<\\/script>";
  </script>
</notebook>
`;

let root: string;
let server: Server;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "glassbox-save-"));
  mkdirSync(join(root, "notebooks"));
  writeFileSync(join(root, "notebooks/saved.html"), FILE);
  const handle = saveMiddleware(root);
  server = createServer((request, response) => handle(request as never, response, () => {}));
  await new Promise<void>((done) => server.listen(0, "localhost", done));
  url = `http://localhost:${(server.address() as {port: number}).port}/`;
});
afterAll(() => new Promise((done) => server.close(done)));

const post = (body: unknown) =>
  fetch(url, {method: "POST", body: JSON.stringify(body)}).then(async (r) => [r.status, await r.json()] as const);

describe("saveMiddleware(root)", () => {
  it("saveMiddleware(root) writes the notebook when the file is the one the edits started from", async () => {
    const {hash, notebook} = readNotebookFile(join(root, "notebooks/saved.html"));
    expect(hash).toBe(sha256(FILE));
    const edited = {
      ...notebook,
      cells: [...notebook.cells, {id: 3, value: "1 + 1", mode: "js", pinned: false, hidden: false}]
    };
    const [status, body] = await post({file: "notebooks/saved.html", base: hash, notebook: edited});
    expect(status).toBe(200);
    const text = readFileSync(join(root, "notebooks/saved.html"), "utf8");
    expect(body).toEqual({ok: true, hash: sha256(text)});
    expect(readNotebookFile(join(root, "notebooks/saved.html")).notebook.cells).toEqual(edited.cells);
    expect(text).toContain('<script id="2" type="module" pinned>');
  });

  it("saveMiddleware(root) answers 409 with the file's cells when it changed on disk, and writes nothing", async () => {
    const before = readFileSync(join(root, "notebooks/saved.html"), "utf8");
    const [status, body] = await post({file: "notebooks/saved.html", base: sha256("an older version"), notebook: {}});
    expect(status).toBe(409);
    expect(body.error).toBe("notebooks/saved.html changed on disk since your edits started");
    expect(body.hash).toBe(sha256(before));
    expect(body.notebook.cells).toHaveLength(3);
    expect(readFileSync(join(root, "notebooks/saved.html"), "utf8")).toBe(before);
  });

  it("saveMiddleware(root) refuses paths outside notebooks/*.html and bad requests", async () => {
    expect(await post({file: "../package.json", base: "", notebook: {}})).toEqual([
      400,
      {ok: false, error: "invalid file: ../package.json"}
    ]);
    expect(await post({file: "notebooks/none.html", base: "", notebook: {}})).toEqual([
      404,
      {ok: false, error: "no such notebook: notebooks/none.html"}
    ]);
    const [status] = await fetch(url, {method: "POST", body: "{"}).then((r) => [r.status]);
    expect(status).toBe(400);
  });
});

import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {serveStatic, type StaticServer} from "../../src/studio/serve.node.ts";

let root: string;
let server: StaticServer;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "glassbox-serve-"));
  mkdirSync(join(root, "notebooks"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>gallery</title>");
  writeFileSync(join(root, "notebooks", "index.html"), "<!doctype html>");
  for (const ext of ["js", "css", "wasm", "arrow", "bin", "svg", "png", "woff2", "unknownext"]) {
    writeFileSync(join(root, `file.${ext}`), "x");
  }
  server = await serveStatic({root});
});
afterAll(async () => {
  await server?.close();
  rmSync(root, {recursive: true, force: true});
});

describe("serveStatic({root, port, host, isolate})", () => {
  it("serveStatic({root}) listens on localhost only", () => {
    expect(server.url).toMatch(/^http:\/\/localhost:\d+\/$/);
    const address = server.server.address();
    expect(typeof address === "object" && address && ["127.0.0.1", "::1"].includes(address.address)).toBe(true);
  });
  it("serveStatic({root}) sends cross-origin isolation headers and index.html for /", async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("gallery");
  });
  it("serveStatic({root}) sends the MIME type of each file type", async () => {
    const expected: Record<string, string> = {
      js: "text/javascript; charset=utf-8",
      css: "text/css; charset=utf-8",
      wasm: "application/wasm",
      arrow: "application/vnd.apache.arrow.file",
      bin: "application/octet-stream",
      svg: "image/svg+xml",
      png: "image/png",
      woff2: "font/woff2",
      unknownext: "application/octet-stream"
    };
    for (const [ext, type] of Object.entries(expected)) {
      expect((await fetch(`${server.url}file.${ext}`)).headers.get("content-type"), ext).toBe(type);
    }
  });
  it("serveStatic({root}) redirects a folder to its slash URL, 404s missing files and paths outside root", async () => {
    const folder = await fetch(`${server.url}notebooks`, {redirect: "manual"});
    expect(folder.status).toBe(301);
    expect(folder.headers.get("location")).toBe("/notebooks/");
    expect((await fetch(`${server.url}missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${server.url}%E0%A4%A`)).status).toBe(404);
  });
  it("serveStatic({root, isolate: false}) sends no isolation headers", async () => {
    const plain = await serveStatic({root, isolate: false});
    try {
      expect((await fetch(plain.url)).headers.get("cross-origin-opener-policy")).toBeNull();
    } finally {
      await plain.close();
    }
  });
  it("serveStatic({root: missing}) refuses with a clear error", async () => {
    await expect(serveStatic({root: join(root, "nope")})).rejects.toThrow(
      /^invalid dir: .*nope \(not a folder; run `npm run build`/
    );
  });
});

import {spawn} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {serveStatic} from "../../src/studio/serve.node.ts";

const BIN = resolve(import.meta.dirname, "../../bin/glassbox.js");
const root = mkdtempSync(join(tmpdir(), "glassbox-serve-cli-"));
writeFileSync(join(root, "index.html"), "<!doctype html><title>site</title>");
afterAll(() => rmSync(root, {recursive: true, force: true}));

/** Runs `glassbox serve ...args` until it prints its URL (or exits); returns the URL, the output and a stop(). */
function serve(args: string[]) {
  const child = spawn(process.execPath, [BIN, "serve", ...args], {stdio: ["ignore", "pipe", "pipe"]});
  let output = "";
  const started = new Promise<string | null>((done) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const url = /serving .* at (http:\/\/\S+)/.exec(output)?.[1];
      if (url) done(url);
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", () => done(null));
  });
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {started, exited, output: () => output, stop: () => child.kill("SIGTERM")};
}

describe("glassbox serve --dir DIR --port N", () => {
  it("glassbox serve --dir DIR --port 0 serves the folder with isolation headers until stopped", async () => {
    const server = serve(["--dir", root, "--port", "0"]);
    const url = await server.started;
    expect(url, server.output()).toMatch(/^http:\/\/localhost:\d+\/$/);
    const response = await fetch(url!);
    expect(await response.text()).toContain("<title>site</title>");
    expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(server.output()).toContain("cross-origin isolated");
    server.stop();
    expect(await server.exited).toBe(0);
  });

  it("glassbox serve --port <busy> fails with a clear message", async () => {
    const busy = await serveStatic({root});
    try {
      const port = new URL(busy.url).port;
      const server = serve(["--dir", root, "--port", port]);
      expect(await server.started).toBeNull();
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain(`glassbox serve: invalid port: ${port} is in use`);
    } finally {
      await busy.close();
    }
  });
});

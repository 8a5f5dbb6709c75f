// `glassbox serve` under faults and hostile requests (issue 27, items 1-5): a classroom runs it on the network, so
// one bad request must not stop it, aborted downloads must not leak descriptors, and nothing outside the folder (or
// on another origin) may be reached. Everything stays on 127.0.0.1 with bounded loops.
import {mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import {request} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {serveStatic, type StaticServer} from "../../src/studio/serve.node.ts";

/** Large enough that a download is still in flight when the client goes away (socket buffers hold far less). */
const BIG_FILE_BYTES = 8 << 20;

let root: string;
let server: StaticServer;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "glassbox-serve-faults-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>gallery</title>");
  writeFileSync(join(root, "assets", "app.js"), "export {};");
  writeFileSync(join(root, "big.bin"), Buffer.alloc(BIG_FILE_BYTES, 7));
  const outside = mkdtempSync(join(tmpdir(), "glassbox-serve-outside-"));
  writeFileSync(join(outside, "secret.txt"), "secret");
  symlinkSync(join(outside, "secret.txt"), join(root, "secret.txt"));
  symlinkSync(outside, join(root, "outside"));
  symlinkSync("/etc/passwd", join(root, "passwd"));
  // a link that stays inside the folder is still served
  symlinkSync(join(root, "assets", "app.js"), join(root, "app-link.js"));
  server = await serveStatic({root, host: "127.0.0.1"});
});
afterAll(async () => {
  await server?.close();
  rmSync(root, {recursive: true, force: true});
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection (no keep-alive pool, so descriptors are countable), the path sent verbatim. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  const {port} = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({host: "127.0.0.1", port, path, agent: false, headers}, (response) => {
      let body = "";
      response.setEncoding("latin1");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({status: response.statusCode ?? 0, headers: response.headers, body}));
      response.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Starts a download of `path`, and goes away after the first chunk of the body. */
function abortedDownload(base: string, path: string): Promise<void> {
  const {port} = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({host: "127.0.0.1", port, path, agent: false}, (response) => {
      response.once("data", () => {
        req.destroy();
        resolve();
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? resolve() : reject(error)));
    req.end();
  });
}

function openDescriptors(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Descriptors close a few event-loop turns after the sockets do: wait (bounded) for the count to settle. */
async function settledDescriptors(target: number): Promise<number> {
  let count = openDescriptors();
  for (let i = 0; i < 100 && count > target; i++) {
    await new Promise((done) => setTimeout(done, 50));
    count = openDescriptors();
  }
  return count;
}

describe("serveStatic under faults (issue 27)", () => {
  it("answers a read error (/proc/<pid>/mem is a regular file that fails on read) with 500 and keeps serving", async () => {
    // /proc/<pid>/mem stats as a regular file but fails on read: an honest unreadable file even for root
    const proc = await serveStatic({root: "/proc/self", host: "127.0.0.1"});
    try {
      const reply = await get(proc.url, "/mem");
      expect(reply.status).toBe(500);
      expect(reply.body).toMatch(/cannot read/);
      expect((await get(proc.url, "/mem")).status).toBe(500);
      expect((await get(server.url, "/")).body).toContain("gallery");
    } finally {
      await proc.close();
    }
  });

  it("closes the file of every aborted download, and still answers after hundreds of them", async () => {
    await get(server.url, "/big.bin"); // warm-up: the thread pool and the first sockets open their descriptors
    const start = openDescriptors();
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(Array.from({length: 100}, () => abortedDownload(server.url, "/big.bin")));
    }
    const parallel = await Promise.all(Array.from({length: 100}, () => get(server.url, "/assets/app.js")));
    expect(parallel.every((reply) => reply.status === 200 && reply.body === "export {};")).toBe(true);
    expect(await settledDescriptors(start)).toBeLessThanOrEqual(start);
    const last = await get(server.url, "/big.bin");
    expect(last.status).toBe(200);
    expect(last.body.length).toBe(BIG_FILE_BYTES);
  });

  it("keeps redirects on the same origin (no //host Location from encoded slashes)", async () => {
    for (const path of ["/%2Fevil.example%2F..%2Fassets", "//evil.example/../assets", "/%5Cevil.example/../assets"]) {
      const reply = await get(server.url, path);
      expect(reply.status, path).toBe(301);
      expect(reply.headers.location, path).toBe("/assets/");
    }
    expect((await get(server.url, "/assets?x=1")).headers.location).toBe("/assets/?x=1");
  });

  it("refuses traversal and malformed encodings", async () => {
    for (const path of [
      "/../../etc/passwd",
      "/..%2f..%2fetc%2fpasswd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/assets/..%2f..%2f..%2fetc%2fpasswd",
      "/%E0%A4%A",
      "/index.html%00.js",
      "/..%5c..%5cetc%5cpasswd"
    ]) {
      const reply = await get(server.url, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toMatch(/root:/);
    }
  });

  it("does not follow symlinks out of the folder, and does follow those that stay inside", async () => {
    for (const path of ["/secret.txt", "/outside/secret.txt", "/passwd", "/outside/"]) {
      const reply = await get(server.url, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toMatch(/secret|root:/);
    }
    expect((await get(server.url, "/app-link.js")).body).toBe("export {};");
  });

  it("sends nosniff, a framing policy as a CSP header, and keeps COOP/COEP/CORP; ranges are not supported", async () => {
    for (const path of ["/", "/assets/app.js", "/missing", "/assets"]) {
      const {headers} = await get(server.url, path);
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["content-security-policy"], path).toMatch(/(^|; )frame-ancestors 'self'(;|$)/);
      expect(headers["x-frame-options"], path).toBe("SAMEORIGIN");
      expect(headers["cross-origin-opener-policy"], path).toBe("same-origin");
      expect(headers["cross-origin-embedder-policy"], path).toBe("require-corp");
      expect(headers["cross-origin-resource-policy"], path).toBe("same-origin");
    }
    const ranged = await get(server.url, "/assets/app.js", {Range: "bytes=0-3"});
    expect(ranged.status).toBe(200);
    expect(ranged.headers["accept-ranges"]).toBe("none");
    expect(ranged.body).toBe("export {};");
  });
});

// A tiny static file server for the built studio (`glassbox serve [dir]`, and the browser tests): node:http only,
// correct MIME types, and the cross-origin-isolation headers (COOP/COEP) that let pages use threads. Localhost only
// unless a host is given.
import {createReadStream, statSync, type Stats} from "node:fs";
import {createServer, type Server} from "node:http";
import {extname, join, normalize, resolve, sep} from "node:path";

export const MIME_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.file",
  ".bin": "application/octet-stream",
  ".gguf": "application/octet-stream",
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf"
};

/** Headers that make a page cross-origin isolated, so SharedArrayBuffer (threads) is available. */
export const ISOLATION_HEADERS: Record<string, string> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin"
};

export interface ServeOptions {
  /** the folder to serve, e.g. dist */
  root: string;
  /** 0 picks a free port */
  port?: number;
  /** "localhost" (default) keeps the server off the network; "0.0.0.0" serves a classroom */
  host?: string;
  /** send COOP/COEP (default true) */
  isolate?: boolean;
}

export interface StaticServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

export async function serveStatic({
  root,
  port = 0,
  host = "localhost",
  isolate = true
}: ServeOptions): Promise<StaticServer> {
  const base = resolve(root);
  const stats = statOrNull(base);
  if (!stats?.isDirectory())
    throw new Error(`invalid dir: ${root} (not a folder; run \`npm run build\` to create dist/)`);
  const server = createServer((request, response) => {
    const headers: Record<string, string> = {...(isolate ? ISOLATION_HEADERS : {}), "Cache-Control": "no-cache"};
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, {...headers, Allow: "GET, HEAD"}).end("method not allowed");
      return;
    }
    const file = resolveFile(base, request.url ?? "/");
    if (file && "redirect" in file) {
      response.writeHead(301, {...headers, Location: file.redirect}).end();
      return;
    }
    if (!file) {
      response.writeHead(404, {...headers, "Content-Type": MIME_TYPES[".txt"]!}).end("not found");
      return;
    }
    const type = MIME_TYPES[extname(file.path).toLowerCase()] ?? "application/octet-stream";
    response.writeHead(200, {...headers, "Content-Type": type, "Content-Length": String(file.stats.size)});
    if (request.method === "HEAD") response.end();
    else createReadStream(file.path).pipe(response);
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, port, host)));
    server.listen(port, host, () => resolvePromise());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return {
    server,
    url: `http://${urlHost}:${actualPort}/`,
    close: () => new Promise((done) => server.close(() => done()))
  };
}

/**
 * The file a URL path names inside `base`: a folder means its index.html (after a redirect to the slash-terminated
 * URL, so relative links work); null outside base or missing.
 */
function resolveFile(base: string, url: string): {path: string; stats: Stats} | {redirect: string} | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, "http://localhost").pathname);
  } catch {
    return null;
  }
  const path = normalize(join(base, pathname));
  if (path !== base && !path.startsWith(base + sep)) return null;
  const stats = statOrNull(path);
  if (stats?.isDirectory()) {
    if (!pathname.endsWith("/")) return {redirect: `${encodeURI(pathname)}/`};
    const index = join(path, "index.html");
    const indexStats = statOrNull(index);
    return indexStats?.isFile() ? {path: index, stats: indexStats} : null;
  }
  return stats?.isFile() ? {path, stats} : null;
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === "EADDRINUSE")
    return new Error(`invalid port: ${port} is in use (pick another, or 0 for a free one)`);
  if (error.code === "EACCES") return new Error(`invalid port: ${port} needs privileges (use a port above 1023)`);
  if (error.code === "ENOTFOUND" || error.code === "EADDRNOTAVAIL")
    return new Error(`invalid host: ${host} (use localhost, or 0.0.0.0 to serve the local network)`);
  return error;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

// A tiny static file server for the built studio (`glassbox serve [dir]`, and the browser tests): node:http only,
// correct MIME types, and the cross-origin-isolation headers (COOP/COEP) that let pages use threads. Localhost only
// unless a host is given. A classroom serves it to the network, so it is hostile-input safe: only files whose real
// path is inside the folder, redirects only to a path on the same origin, a read error answers 500 (never stops the
// server), and a client that goes away closes its file. Range requests are not supported (`Accept-Ranges: none`):
// a Range header gets the whole file with 200, which every browser accepts.
import {createReadStream, realpathSync, statSync, type Stats} from "node:fs";
import {createServer, type Server, type ServerResponse} from "node:http";
import {extname, join, normalize, relative, resolve, sep} from "node:path";

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

/**
 * Sent with every answer: no MIME sniffing, and no framing by other sites (frame-ancestors only works as a header,
 * the pages' own CSP is a <meta>, which browsers combine with this one).
 */
export const SAFETY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "frame-ancestors 'self'",
  "X-Frame-Options": "SAMEORIGIN",
  "Accept-Ranges": "none"
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
  const stats = statOrNull(resolve(root));
  if (!stats?.isDirectory())
    throw new Error(`invalid dir: ${root} (not a folder; run \`npm run build\` to create dist/)`);
  const base = realpathSync(resolve(root));
  const server = createServer((request, response) => {
    const headers: Record<string, string> = {
      ...(isolate ? ISOLATION_HEADERS : {}),
      ...SAFETY_HEADERS,
      "Cache-Control": "no-cache"
    };
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
    const ok = {...headers, "Content-Type": type, "Content-Length": String(file.stats.size)};
    if (request.method === "HEAD") response.writeHead(200, ok).end();
    else sendFile(file.path, response, ok, headers);
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
 * Streams a file whose headers are set but not yet sent, so an error before the first byte (EACCES on open, EIO on
 * the first read) still answers 500; one later cuts the connection, so the client sees a failed download rather
 * than a short file. A client that goes away destroys the stream, which closes the descriptor.
 */
function sendFile(
  path: string,
  response: ServerResponse,
  ok: Record<string, string>,
  headers: Record<string, string>
): void {
  for (const [name, value] of Object.entries(ok)) response.setHeader(name, value);
  const stream = createReadStream(path);
  response.on("close", () => stream.destroy());
  stream.on("error", () => {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.removeHeader("Content-Length");
    response
      .writeHead(500, {...headers, "Content-Type": MIME_TYPES[".txt"]!})
      .end("cannot read this file on the server (check its permissions there)");
  });
  stream.pipe(response);
}

/**
 * The file a URL path names inside `base` (a real path): a folder means its index.html (after a redirect to the
 * slash-terminated URL, so relative links work); null when missing or when its real path, symlinks resolved, is
 * outside base.
 */
function resolveFile(base: string, url: string): {path: string; stats: Stats} | {redirect: string} | null {
  let pathname: string;
  let search: string;
  try {
    const parsed = new URL(url, "http://localhost");
    pathname = decodeURIComponent(parsed.pathname);
    search = parsed.search;
  } catch {
    return null;
  }
  const path = realPathInside(base, normalize(join(base, pathname)));
  if (path === null) return null;
  const stats = statOrNull(path);
  if (stats?.isDirectory()) {
    // built from the resolved path, never from the request, so it is one path on this origin (never `//host`)
    if (!pathname.endsWith("/")) return {redirect: `${urlPath(base, path)}/${search}`};
    const index = realPathInside(base, join(path, "index.html"));
    const indexStats = index === null ? null : statOrNull(index);
    return index !== null && indexStats?.isFile() ? {path: index, stats: indexStats} : null;
  }
  return stats?.isFile() ? {path, stats} : null;
}

function realPathInside(base: string, path: string): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  return real === base || real.startsWith(base + sep) ? real : null;
}

/** `/a/b` for base/a/b, each segment percent-encoded. */
function urlPath(base: string, path: string): string {
  const parts = relative(base, path)
    .split(sep)
    .filter((part) => part !== "");
  return parts.map((part) => `/${encodeURIComponent(part)}`).join("");
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

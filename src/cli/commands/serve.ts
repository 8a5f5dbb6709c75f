// glassbox serve [dir] [--dir DIR] [--port N] [--host H] [--plain]
// Serves the built studio (npm run build -> dist/) as static files with correct MIME types and the cross-origin
// isolation headers that let pages use threads. Localhost only unless --host 0.0.0.0 (a classroom network).
// ES modules do not run from file://, so opening dist/index.html by double-click does not work: serve it.
import {serveStatic} from "../../studio/serve.node.ts";
import type {Command} from "../command.ts";
import {toInt} from "../options.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "serve the built studio (dist/) with cross-origin isolation, for a classroom or offline use",
  modelOptions: false,
  positional: "dir",
  options: [
    {
      name: "dir",
      type: "string",
      arg: "DIR",
      help: "the built site, also as `serve DIR` (default dist: npm run build)"
    },
    {name: "port", type: "int", arg: "N", help: "port (default 8080; 0 picks a free one)"},
    {name: "host", type: "string", arg: "H", help: "localhost (default), or 0.0.0.0 to serve the local network"},
    {name: "plain", type: "boolean", help: "no COOP/COEP headers: pages run single-threaded, as on other servers"}
  ],
  async run(raw, io) {
    const root = typeof raw.dir === "string" ? raw.dir : "dist";
    const port = toInt(raw, "port", {min: 0}) ?? 8080;
    if (port > 65535) throw new Error(`invalid port: ${port}`);
    const host = typeof raw.host === "string" ? raw.host : "localhost";
    const isolate = raw.plain !== true;
    const server = await serveStatic({root, port, host, isolate});
    io.out(`serving ${root} at ${server.url}\n`);
    io.out(
      isolate
        ? "pages are cross-origin isolated: threaded kernels available\n"
        : "pages are not cross-origin isolated (--plain): single-threaded\n"
    );
    if (host !== "localhost" && host !== "127.0.0.1") io.out(`reachable from the network on port ${port}\n`);
    io.out("press Ctrl-C to stop\n");
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  }
};

#!/usr/bin/env node
// `npm start`: generate the WebAssembly kernels and the embedded default model, then start the studio (Vite dev server,
// localhost only) on the gallery of notebooks and print its URL. PORT=8080 npm start picks the port.
import {spawnSync} from "node:child_process";
import {createServer} from "vite";

// the generated sources: WebAssembly kernels and the embedded default model (npm ci already ran this; it is quick
// when nothing changed)
console.log("npm run generate: WebAssembly kernels and the built-in model…");
const generate = spawnSync("npm", ["run", "--silent", "generate"], {stdio: "inherit"});
if (generate.status !== 0) {
  console.error("npm run generate failed: fix the error above, then run npm start again");
  process.exit(generate.status ?? 1);
}

const server = await createServer({server: {port: Number(process.env.PORT) || 5173}, clearScreen: false});
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://localhost:${server.config.server.port}/`;
console.log(
  `\n  Glassbox studio: ${url}\n  (the gallery of notebooks; press h for Vite's shortcuts, q or Ctrl-C to stop)\n`
);
server.bindCLIShortcuts();

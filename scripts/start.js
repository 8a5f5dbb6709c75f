#!/usr/bin/env node
// `npm start`: build the WebAssembly kernels when the project has them, then start the studio (Vite dev server,
// localhost only) on the gallery of notebooks and print its URL. PORT=8080 npm start picks the port.
import {spawnSync} from "node:child_process";
import {existsSync} from "node:fs";
import {createServer} from "vite";

if (existsSync("scripts/build-wasm.js")) {
  console.log("building the WebAssembly kernels (scripts/build-wasm.js)…");
  const build = spawnSync(process.execPath, ["scripts/build-wasm.js"], {stdio: "inherit"});
  if (build.status !== 0) {
    console.error("scripts/build-wasm.js failed: fix the error above, then run npm start again");
    process.exit(build.status ?? 1);
  }
}

const server = await createServer({server: {port: Number(process.env.PORT) || 5173}, clearScreen: false});
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://localhost:${server.config.server.port}/`;
console.log(
  `\n  Glassbox studio: ${url}\n  (the gallery of notebooks; press h for Vite's shortcuts, q or Ctrl-C to stop)\n`
);
server.bindCLIShortcuts();

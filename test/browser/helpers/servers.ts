// Servers for browser tests: the Vite dev server (a child `node node_modules/vite/bin/vite.js`, never npx, so killing
// it kills Vite), a production build into a temp folder, and the static server of `glassbox serve` over it.
import {spawn, spawnSync, type ChildProcess} from "node:child_process";
import {createServer} from "node:net";
import {resolve} from "node:path";

export const PROJECT_ROOT = resolve(import.meta.dirname, "../../..");
const VITE = resolve(PROJECT_ROOT, "node_modules/vite/bin/vite.js");

/** The sub-folder the built site is served from in tests: base "./" must work anywhere. */
export const SITE_SUBFOLDER = "classroom/glassbox";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "localhost", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (typeof address !== "object" || !address) throw new Error("no free port");
  return address.port;
}

export interface DevServer {
  url: string;
  child: ChildProcess;
  /** everything Vite printed, for failure messages */
  output: () => string;
  close: () => Promise<void>;
}

/** Starts `vite` on a free localhost port and resolves once it answers. */
export async function startDevServer(): Promise<DevServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [VITE, "--port", String(port), "--strictPort", "--host", "localhost"], {
    cwd: PROJECT_ROOT,
    env: {...process.env, FORCE_COLOR: "0"},
    stdio: ["ignore", "pipe", "pipe"]
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = `http://localhost:${port}/`;
  const deadline = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`vite dev server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`vite dev server did not answer within 60 s:\n${output}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  return {
    url,
    child,
    output: () => output,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    }
  };
}

/** Runs `vite build --outDir <outDir>`; returns the build time in seconds. */
export function buildSite(outDir: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, [VITE, "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: PROJECT_ROOT,
    env: {...process.env, FORCE_COLOR: "0"},
    encoding: "utf8"
  });
  if (run.status !== 0) throw new Error(`vite build failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return (performance.now() - start) / 1000;
}

import {spawnSync} from "node:child_process";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {main} from "../../src/cli/main.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs `glassbox ...args` as a child process, the way a user would. */
export function glassbox(...args: string[]): {status: number | null; stdout: string; stderr: string} {
  const run = spawnSync(process.execPath, [resolve(ROOT, "bin/glassbox.js"), ...args], {encoding: "utf8", cwd: ROOT});
  return {status: run.status, stdout: run.stdout, stderr: run.stderr};
}

/** Runs `glassbox ...args` in this process (main(), its output collected): for many runs where a spawn each is slow. */
export async function glassboxInProcess(...args: string[]): Promise<{status: number; stdout: string; stderr: string}> {
  const run = {status: 0, stdout: "", stderr: ""};
  run.status = await main(args, {out: (text) => (run.stdout += text), err: (text) => (run.stderr += text)});
  return run;
}

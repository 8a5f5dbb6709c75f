import {spawnSync} from "node:child_process";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs `glassbox ...args` as a child process, the way a user would. */
export function glassbox(...args: string[]): {status: number | null; stdout: string; stderr: string} {
  const run = spawnSync(process.execPath, [resolve(ROOT, "bin/glassbox.js"), ...args], {encoding: "utf8", cwd: ROOT});
  return {status: run.status, stdout: run.stdout, stderr: run.stderr};
}

// The native baseline: builds bench/run.c with Debian's gcc (-Ofast -march=native, plus -fopenmp for threads) into
// build/bench/ and runs it on a checkpoint file. Node-only (child_process, fs).
import {execFileSync} from "node:child_process";
import {mkdirSync, statSync, existsSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {median} from "./measure.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const NATIVE_DIR = join(root, "build/bench");
const SOURCE = join(root, "bench/run.c");
export const NATIVE_FLAGS = ["-Ofast", "-march=native"];

/** Compiles run.c (and the OpenMP variant) if missing or older than the source; returns the binaries' paths. */
export function buildNative(): {run: string; runomp: string} {
  mkdirSync(NATIVE_DIR, {recursive: true});
  const out = {run: join(NATIVE_DIR, "run"), runomp: join(NATIVE_DIR, "runomp")};
  const stale = (bin: string) => !existsSync(bin) || statSync(bin).mtimeMs < statSync(SOURCE).mtimeMs;
  try {
    if (stale(out.run)) execFileSync("gcc", [...NATIVE_FLAGS, "-o", out.run, SOURCE, "-lm"], {stdio: "pipe"});
    if (stale(out.runomp))
      execFileSync("gcc", [...NATIVE_FLAGS, "-fopenmp", "-o", out.runomp, SOURCE, "-lm"], {stdio: "pipe"});
  } catch (error) {
    const stderr = (error as {stderr?: Buffer}).stderr?.toString() ?? String(error);
    throw new Error(`building the native baseline failed (is gcc installed? apt-get install gcc): ${stderr}`, {
      cause: error
    });
  }
  return out;
}

/** Median decode tok/s of `steps` greedy tokens from position 0, over `runs` runs of the binary. */
export function runNative(
  bin: string,
  checkpoint: string,
  steps: number,
  runs: number,
  threads: number
): {tokS: number; samples: number[]} {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const stdout = execFileSync(bin, [checkpoint, String(steps), "0"], {
      env: {...process.env, OMP_NUM_THREADS: String(threads)},
      encoding: "utf8"
    });
    samples.push((JSON.parse(stdout) as {tok_s: number}).tok_s);
  }
  return {tokS: median(samples), samples};
}

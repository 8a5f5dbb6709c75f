// The native baseline: builds bench/run.c and bench/bandwidth.c with Debian's gcc (-Ofast -march=native, plus
// -fopenmp for threads) into build/bench/ and runs them: the forward pass on a checkpoint file, and the memory
// bandwidth the roofline divides by. Node-only (child_process, fs).
import {execFileSync} from "node:child_process";
import {mkdirSync, statSync, existsSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {median} from "./measure.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const NATIVE_DIR = join(root, "build/bench");
const SOURCES = {run: join(root, "bench/run.c"), bandwidth: join(root, "bench/bandwidth.c")};
export const NATIVE_FLAGS = ["-Ofast", "-march=native"];

export interface NativeBinaries {
  run: string;
  runomp: string;
  bandwidth: string;
  bandwidthomp: string;
}

/** Compiles each source (and its OpenMP variant) if missing or older than the source; returns the binaries' paths. */
export function buildNative(): NativeBinaries {
  mkdirSync(NATIVE_DIR, {recursive: true});
  const out = {} as Record<keyof NativeBinaries, string>;
  for (const [name, source] of Object.entries(SOURCES)) {
    for (const omp of [false, true]) {
      const bin = join(NATIVE_DIR, omp ? `${name}omp` : name);
      out[(omp ? `${name}omp` : name) as keyof NativeBinaries] = bin;
      if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(source).mtimeMs) continue;
      try {
        execFileSync("gcc", [...NATIVE_FLAGS, ...(omp ? ["-fopenmp"] : []), "-o", bin, source, "-lm"], {stdio: "pipe"});
      } catch (error) {
        const stderr = (error as {stderr?: Buffer}).stderr?.toString() ?? String(error);
        throw new Error(`building the native baseline failed (is gcc installed? apt-get install gcc): ${stderr}`, {
          cause: error
        });
      }
    }
  }
  return out;
}

/** The median GB/s of `passes` reads of a `mib` MiB buffer by the native bandwidth binary. */
export function nativeBandwidth(bin: string, mib: number, passes: number, threads: number): number {
  const stdout = execFileSync(bin, [String(mib), String(passes)], {
    env: {...process.env, OMP_NUM_THREADS: String(threads)},
    encoding: "utf8"
  });
  return (JSON.parse(stdout) as {gb_s: number}).gb_s;
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

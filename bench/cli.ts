// The options of `glassbox bench` / `npm run bench` normalized (Spec -> toBenchArgs), and the run both share.
import type {Io} from "../src/cli/command.ts";
import {toInt, type RawOptions} from "../src/cli/options.ts";
import {formatTable, runBench, writeResult, type BenchOptions} from "./bench.ts";
import {toShapeName} from "./shapes.ts";

export interface BenchArgs extends BenchOptions {
  json: boolean;
}

/** --shape (default stories15M), --model, --threads N (measures 1 and N; default 2), --json, --quick. */
export function toBenchArgs(raw: RawOptions): BenchArgs {
  const threads = toInt(raw, "threads", {min: 1}) ?? 2;
  if (threads > 16) throw new Error(`invalid threads: ${threads} (1..16)`);
  if (raw.model !== undefined && raw.shape !== undefined)
    throw new Error("invalid options: --model and --shape together");
  return {
    shape: toShapeName(typeof raw.shape === "string" ? raw.shape : "stories15M"),
    ...(typeof raw.model === "string" ? {model: raw.model} : {}),
    threads: threads === 1 ? [1] : [1, threads],
    quick: raw.quick === true,
    json: raw.json === true
  };
}

/**
 * Runs the benchmark, prints the table (or JSON with --json), writes bench/out/*.json (not for --quick: a smoke run
 * has no figures to keep); returns the exit code.
 */
export async function runBenchCommand(args: BenchArgs, io: Io): Promise<number> {
  const start = performance.now();
  const result = await runBench(args, args.json ? () => {} : (line) => io.err(`${line}\n`));
  const path = args.quick ? null : writeResult(result);
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  if (args.json) io.out(`${JSON.stringify(result)}\n`);
  else io.out(`\n${formatTable(result)}\n\n${path ? `wrote ${path}` : "quick run, nothing written"} in ${seconds} s\n`);
  return 0;
}

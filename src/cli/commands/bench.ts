// glassbox bench: decode/prefill tok/s per kernel set, thread count and weight mode, the time split, GB/s, matmul
// GFLOPS and the native C baseline, in one run (bench/bench.ts). --shape builds a random model of that shape in
// memory; --model times a llama2.c checkpoint file, or a GGUF per weight mode (bench/gguf.ts; no C baseline).
// Its options are normalized here (toBenchArgs), for `glassbox bench` and `npm run bench` alike.
import {formatTable, runBench, writeResult, type BenchOptions} from "../../../bench/bench.ts";
import {isModelShape, toShapeName} from "../../../bench/shapes.ts";
import {MODEL_SHAPES} from "../../model-files/shapes.ts";
import {formatQuantSpec, toQuantSpec} from "../../quant/spec.ts";
import type {Command, Io} from "../command.ts";
import {toInt, type RawOptions} from "../options.ts";

export const benchCommand: Command = {
  name: "bench",
  summary: "benchmark the kernels, threads and weight modes against a native C baseline",
  modelOptions: false,
  options: [
    {
      name: "model",
      type: "string",
      arg: "M",
      help: "a llama2.c checkpoint or a GGUF file to time (default: a random --shape model)"
    },
    {
      name: "shape",
      type: "string",
      arg: "S",
      help:
        "random weights: stories15M (default), stories260K, stories110M in memory, or a real model's shape " +
        `(${MODEL_SHAPES.map((m) => m.name).join(", ")}) written as a GGUF that the peers run too`
    },
    {name: "quant", type: "string", arg: "SPEC", help: "a real shape's preset spec, e.g. Q4_K_M (default Q8_0)"},
    {name: "threads", type: "int", arg: "N", help: "measure 1 and N threads (default 2)"},
    {name: "json", type: "boolean", help: "print the result as one JSON object"},
    {name: "quick", type: "boolean", help: "smoke run: every path once at a tiny size (no figures)"}
  ],
  run: (raw, io) => runBenchCommand(toBenchArgs(raw), io)
};

export interface BenchArgs extends BenchOptions {
  json: boolean;
}

/** --shape (default stories15M), --quant (a real shape's preset), --model, --threads N (1 and N; default 2), --json, --quick. */
export function toBenchArgs(raw: RawOptions): BenchArgs {
  const threads = toInt(raw, "threads", {min: 1}) ?? 2;
  if (threads > 16) throw new Error(`invalid threads: ${threads} (1..16)`);
  if (raw.model !== undefined && raw.shape !== undefined)
    throw new Error("invalid options: --model and --shape together");
  const shape = toShapeName(typeof raw.shape === "string" ? raw.shape : "stories15M");
  const quant = typeof raw.quant === "string" ? presetSpecText(raw.quant) : undefined;
  if (quant !== undefined && !isModelShape(shape))
    throw new Error(`invalid quant: ${raw.quant} (--quant sets the preset of a real model's shape, not of ${shape})`);
  return {
    shape,
    ...(quant !== undefined ? {quant} : {}),
    ...(typeof raw.model === "string" ? {model: raw.model} : {}),
    threads: threads === 1 ? [1] : [1, threads],
    quick: raw.quick === true,
    json: raw.json === true
  };
}

/** "Q4_K_M" or "preset=Q4_K_M,attn_v=q8_0" as the canonical preset spec; anything else is refused. */
function presetSpecText(text: string): string {
  const spec = toQuantSpec(text.includes("=") ? text : `preset=${text}`);
  if (spec.preset === undefined) throw new Error(`invalid quant: ${text} (a preset spec: Q4_K_M or preset=Q4_K_M,…)`);
  return formatQuantSpec(spec);
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

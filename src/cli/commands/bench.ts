// glassbox bench: decode/prefill tok/s per kernel set, thread count and weight mode, the time split, GB/s, matmul
// GFLOPS and the native C baseline, in one run (bench/bench.ts). --shape builds a random model of that shape in
// memory; --model times a llama2.c checkpoint file.
import {runBenchCommand, toBenchArgs} from "../../../bench/cli.ts";
import type {Command} from "../command.ts";

export const benchCommand: Command = {
  name: "bench",
  summary: "benchmark the kernels, threads and weight modes against a native C baseline",
  modelOptions: false,
  options: [
    {name: "model", type: "string", arg: "M", help: "llama2.c checkpoint to time (default: a random --shape model)"},
    {name: "shape", type: "string", arg: "S", help: "stories15M (default), stories260K or stories110M, random weights"},
    {name: "threads", type: "int", arg: "N", help: "measure 1 and N threads (default 2)"},
    {name: "json", type: "boolean", help: "print the result as one JSON object"},
    {name: "quick", type: "boolean", help: "smoke run: every path once at a tiny size (no figures)"}
  ],
  run: (raw, io) => runBenchCommand(toBenchArgs(raw), io)
};

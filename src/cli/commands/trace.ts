// glassbox trace [model options] [--quant SPEC --weights MODE --act SPEC] [--activations FILE] [--timings FILE]
//   [--hooks LIST] [--layers LIST] [--format file|stream] [--max-cache-mb N]
// Runs the model like `generate` and writes what the glass box sees as Arrow tables: every hook's activation per
// position (--activations) and the profiler's time per step, layer and op category (--timings). Any Arrow tool
// reads them: pl.read_ipc("a.arrow"), duckdb, pyarrow, or readArrow(FileAttachment("a.arrow")) in a notebook.
//
// The tokens come from generate() (profiled when --timings is given: one row set per forward call); the activations
// from the engine's runWithCache over those tokens afterwards, as one prefill, so copying activations is never booked
// to the ops the profiler times.
import {basename} from "node:path";
import {activationBatches} from "../../data/activations.ts";
import type {IpcFormat} from "../../data/ipc.ts";
import {toIPCFormat} from "../../data/ipc.ts";
import type {RunInfo} from "../../data/metadata.ts";
import {profileRecords, timingsToTable, type TimingRecord} from "../../data/timings.ts";
import {writeArrowFile} from "../../data/write-file.node.ts";
import {generate} from "../../engine/generate.ts";
import type {HookKey, HookName} from "../../engine/hooks/names.ts";
import {runWithCache} from "../../engine/hooks/run.ts";
import type {TextCodec} from "../../tokenizers/text.ts";
import {setProfiler, type Transformer} from "../../engine/transformer.ts";
import {toQuantSettings} from "../../quant/modes.ts";
import type {QuantMatrices} from "../../quant/provider.ts";
import {formatQuantSpec} from "../../quant/spec.ts";
import type {Command} from "../command.ts";
import {fitToContext} from "../context.ts";
import {applyNumerics, loadModelFor, requireText} from "../load-model.ts";
import {refuseSameFile} from "../paths.ts";
import {toInt, toModelOptions, toTokenList, type ModelOptions, type RawOptions} from "../options.ts";
import {simulatedNoteLines} from "../simulated.ts";

/** run.c's default number of steps for a text prompt, as in `generate` */
const DEFAULT_STEPS = 256;
const DEFAULT_MAX_CACHE_MB = 1024;

interface Generation {
  tokens: number[];
  steps: number;
  options: ModelOptions;
}

/** One pass of generate(); onStep runs after each position, with the model still holding that step's state. */
async function runOnce(model: Transformer, g: Generation, onStep: (pos: number) => void): Promise<number[]> {
  const fed: number[] = [];
  // a spec, not a Sampler: each pass starts from the same seed
  for await (const step of generate(model, {tokens: g.tokens, steps: g.steps, sampler: g.options.sampler})) {
    fed.push(step.token);
    onStep(step.pos);
    if (step.end) break;
  }
  return fed;
}

async function profileSteps(model: Transformer, g: Generation) {
  const profiler = setProfiler(model, true)!;
  const timings: TimingRecord[] = [];
  let resolution = Infinity;
  try {
    const tokens = await runOnce(model, g, (pos) => {
      const report = profiler.report();
      // positions inside a prefill chunk ran in the chunk's first step: they have no time of their own
      if (report.totalMs > 0) timings.push(...profileRecords(report, pos));
      if (report.timerResolutionMs > 0) resolution = Math.min(resolution, report.timerResolutionMs);
      profiler.reset();
    });
    return {tokens, timings, timerResolutionMs: Number.isFinite(resolution) ? resolution : null};
  } finally {
    setProfiler(model, null);
  }
}

/** each token's text (a lone byte of a multi-byte character shows as U+FFFD); ids as text without a tokenizer */
const tokenText = (text: TextCodec | null, tokens: number[]) => {
  return tokens.map((t, p) => (text ? text.piece(p > 0 ? tokens[p - 1]! : 0, t) : `<${t}>`));
};

/** The engine's errors name its API options; say which flags they are here. */
function withFlags<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const message = `${(error as Error).message} (glassbox trace flags: --hooks, --layers, --steps, --max-cache-mb)`;
    throw new Error(message, {cause: error});
  }
}

function toList(raw: RawOptions, name: string): string[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const items = String(value)
    .split(",")
    .map((s) => s.trim());
  if (items.some((s) => s === "")) throw new Error(`invalid ${name}: ${value}`);
  return items;
}

export const traceCommand: Command = {
  name: "trace",
  summary: "run the model and write its activations and timings as Arrow tables (Polars, DuckDB, notebooks)",
  modelOptions: true,
  options: [
    {name: "activations", type: "string", arg: "FILE", help: "write one row per hook × position (× head) to FILE"},
    {name: "timings", type: "string", arg: "FILE", help: "write time per step, layer and op category to FILE"},
    {name: "hooks", type: "string", arg: "LIST", help: "hooks to capture, e.g. attn.hook_pattern,hook_resid_post"},
    {name: "layers", type: "tokens", arg: "0,2", help: "blocks to capture (hooks outside the blocks are kept)"},
    {name: "format", type: "string", arg: "F", help: "Arrow IPC file (default, .arrow) or stream (.arrows)"},
    {
      name: "max-cache-mb",
      type: "int",
      arg: "N",
      help: `activation memory limit in MiB (default ${DEFAULT_MAX_CACHE_MB})`
    }
  ],
  async run(raw, io) {
    const options = toModelOptions(raw);
    const activationsPath = raw.activations as string | undefined;
    const timingsPath = raw.timings as string | undefined;
    if (activationsPath === undefined && timingsPath === undefined)
      throw new Error("invalid trace: nothing to write (give --activations FILE and/or --timings FILE)");
    const inputs = {model: options.model, tokenizer: options.tokenizer};
    refuseSameFile(inputs, {activations: activationsPath, timings: timingsPath});
    const format: IpcFormat = toIPCFormat((raw.format as string | undefined) ?? "file");
    const maxCacheMb = toInt(raw, "max-cache-mb", {min: 1}) ?? DEFAULT_MAX_CACHE_MB;
    const quant = options.quant;

    const layers = toTokenList(raw, "layers");
    const hooks = toList(raw, "hooks") as (HookName | HookKey)[] | undefined;

    const running = await loadModelFor(options);
    const {model} = running;
    try {
      const {config} = model;
      for (const l of layers ?? []) {
        if (l >= config.nLayers)
          throw new Error(`invalid layers: ${l} (the model has ${config.nLayers} layers: 0..${config.nLayers - 1})`);
      }
      const settings = quant ? toQuantSettings(quant) : null;
      for (const line of applyNumerics(running, options)) io.err(line);
      const ggufQuant = model.matrices as QuantMatrices; // a GGUF always runs on a quant provider (load-model.ts)
      for (const line of simulatedNoteLines(config, quant)) io.err(line);
      const prompt = options.tokens ?? requireText(running, "--prompt").encode(options.prompt ?? "");
      const fallback = options.tokens ? prompt.length : DEFAULT_STEPS;
      const {steps, notes} = fitToContext(prompt.length, options.steps, fallback, config.seqLen);
      for (const note of notes) io.err(`note: ${note}\n`);
      const g: Generation = {tokens: prompt, steps, options};

      // the tokens: given, generated, or generated under the profiler
      let tokens = prompt.slice(0, steps);
      let profiled: Awaited<ReturnType<typeof profileSteps>> | null = null;
      if (timingsPath !== undefined) ({tokens} = profiled = await profileSteps(model, g));
      else if (steps > prompt.length) tokens = await runOnce(model, g, () => {});

      const run: RunInfo = {
        model: {name: options.model ? basename(options.model) : "built-in default", config: {...config}},
        quant: running.gguf
          ? {quant: ggufQuant.specText, weights: ggufQuant.settings.weights, act: ggufQuant.settings.act}
          : settings && {quant: formatQuantSpec(settings.quant), weights: settings.weights, act: settings.act},
        seed: options.temperature > 0 ? options.seed : null
      };
      const written: Record<string, {path: string; rows: number; bytes: number}> = {};
      if (activationsPath !== undefined) {
        const maxBytes = maxCacheMb * 2 ** 20;
        const {cache} = withFlags(() => runWithCache(model, tokens, {names: hooks, layers, maxBytes}));
        const trace = {tokens, text: tokenText(running.text, tokens), activations: cache};
        written.activations = {
          path: activationsPath,
          ...writeArrowFile(activationsPath, activationBatches(trace, run), format)
        };
      }
      if (profiled && timingsPath !== undefined) {
        const table = timingsToTable(profiled.timings, {...run, timerResolutionMs: profiled.timerResolutionMs});
        written.timings = {path: timingsPath, ...writeArrowFile(timingsPath, table, format)};
      }
      if (options.json) {
        io.out(JSON.stringify({positions: tokens.length, format, written, notes}) + "\n");
        return;
      }
      for (const [kind, w] of Object.entries(written)) {
        io.out(
          `wrote ${w.path}: ${kind}, ${w.rows} rows, ${(w.bytes / 2 ** 20).toFixed(2)} MB (Arrow IPC ${format})\n`
        );
      }
    } finally {
      running.close();
    }
  }
};

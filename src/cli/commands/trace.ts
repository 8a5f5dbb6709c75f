// glassbox trace [model options] [--quant SPEC --weights MODE --act SPEC] [--activations FILE] [--timings FILE]
//   [--hooks LIST] [--layers LIST] [--format file|stream] [--max-cache-mb N]
// Runs the model like `generate` and writes what the glass box sees as Arrow tables: every hook's activation per
// position (--activations) and the profiler's time per step, layer and op category (--timings). Any Arrow tool
// reads them: pl.read_ipc("a.arrow"), duckdb, pyarrow, or readArrow(FileAttachment("a.arrow")) in a notebook.
//
// Activations and timings come from two runs with the same tokens and seed: copying activations inside a profiled
// run would be booked to the ops around the hooks. The second run must reproduce the first run's tokens, or we stop.
import {basename} from "node:path";
import {activationBatches, type CachedActivation} from "../../data/activations.ts";
import type {IpcFormat} from "../../data/ipc.ts";
import {toIPCFormat} from "../../data/ipc.ts";
import type {RunInfo} from "../../data/metadata.ts";
import {profileRecords, timingsToTable, type TimingRecord} from "../../data/timings.ts";
import {writeArrowFile} from "../../data/write-file.node.ts";
import {generate} from "../../engine/generate.ts";
import {addHook} from "../../engine/hooks/hooks.ts";
import {hookNames, hookShape, parseHookName, type HookName} from "../../engine/hooks/names.ts";
import type {Config} from "../../engine/model.ts";
import {decodePiece, encode, type Tokenizer} from "../../engine/tokenizer.ts";
import {setMatrices, setProfiler, type Transformer} from "../../engine/transformer.ts";
import {toQuantSettings} from "../../quant/modes.ts";
import {QUANT_OPTIONS, quantSettingsFromRaw} from "../../quant/options.ts";
import {quantMatrices} from "../../quant/provider.ts";
import {formatQuantSpec} from "../../quant/spec.ts";
import type {Command} from "../command.ts";
import {loadModelFor} from "../load-model.ts";
import {MODEL_OPTIONS, toInt, toModelOptions, toTokenList, type ModelOptions, type RawOptions} from "../options.ts";

/** run.c's default number of steps for a text prompt, as in `generate` */
const DEFAULT_STEPS = 256;
/** prompt tokens per prefill call; the memory estimate follows the same calls */
const PREFILL_CHUNK = 32;
const DEFAULT_MAX_CACHE_MB = 1024;

/** The hooks to capture: every hook, narrowed by --hooks (full names or keys such as attn.hook_q) and --layers. */
export function selectHooks(config: Config, hooks: string[] | undefined, layers: number[] | undefined): HookName[] {
  const all = hookNames(config.nLayers);
  for (const l of layers ?? []) {
    if (l >= config.nLayers)
      throw new Error(`invalid layers: ${l} (the model has ${config.nLayers} layers: 0..${config.nLayers - 1})`);
  }
  const keyOf = (name: HookName) => parseHookName(name).key;
  for (const h of hooks ?? []) {
    if (!all.some((name) => name === h || keyOf(name) === h)) {
      const keys = [...new Set(all.map(keyOf))].join(", ");
      throw new Error(`invalid hooks: ${h} (use a hook name or one of: ${keys})`);
    }
  }
  return all.filter((name) => {
    const {key, layer} = parseHookName(name);
    const hookOk = !hooks || hooks.some((h) => h === name || h === key);
    return hookOk && (!layers || layer < 0 || layers.includes(layer));
  });
}

/** Floats the capture will hold: the same prefill chunks and decode steps as generate(), for the hooks selected. */
export function captureFloats(config: Config, names: HookName[], forced: number, steps: number): number {
  let floats = 0;
  const add = (mode: "prefill" | "decode", T: number, pos0: number) => {
    for (const name of names)
      floats += hookShape(config, parseHookName(name).key, mode, T, pos0).reduce((a, b) => a * b, 1);
  };
  for (let pos0 = 0; pos0 < forced; pos0 += PREFILL_CHUNK) add("prefill", Math.min(PREFILL_CHUNK, forced - pos0), pos0);
  for (let pos = forced; pos < steps; pos++) add("decode", 1, pos);
  return floats;
}

interface TraceRun {
  /** token fed at each position */
  tokens: number[];
  activations: CachedActivation[];
  timings: TimingRecord[];
  timerResolutionMs: number | null;
}

interface Generation {
  tokens: number[];
  steps: number;
  options: ModelOptions;
}

/** One pass of generate(); onStep runs after each position, with the model still holding that step's state. */
async function runOnce(model: Transformer, g: Generation, onStep: (pos: number) => void): Promise<number[]> {
  const fed: number[] = [];
  const {temperature, topP, seed} = g.options;
  const sampler = {temperature, topP, seed};
  for await (const step of generate(model, {tokens: g.tokens, steps: g.steps, sampler, prefillChunk: PREFILL_CHUNK})) {
    fed.push(step.token);
    onStep(step.pos);
    if (step.end) break;
  }
  return fed;
}

async function captureActivations(model: Transformer, g: Generation, names: HookName[]) {
  const activations: CachedActivation[] = [];
  const removers = names.map((name) =>
    addHook(model, name, (activation, hook) => {
      const {layer, shape, dims, pos0} = hook;
      activations.push({name: hook.name, layer, shape, dims, pos0, data: activation.slice()});
    })
  );
  try {
    const tokens = await runOnce(model, g, () => {});
    return {tokens, activations};
  } finally {
    for (const remove of removers) remove();
  }
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

const tokenText = (tokenizer: Tokenizer, tokens: number[]) => {
  const decoder = new TextDecoder(); // a lone byte of a multi-byte character shows as U+FFFD
  return tokens.map((t, p) => decoder.decode(decodePiece(tokenizer, p > 0 ? tokens[p - 1]! : 0, t)));
};

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
    {name: "max-cache-mb", type: "int", arg: "N", help: `activation memory limit (default ${DEFAULT_MAX_CACHE_MB})`},
    // --quant / --weights / --act, unless the shared model options already carry them
    ...QUANT_OPTIONS.filter((o) => !MODEL_OPTIONS.some((m) => m.name === o.name))
  ],
  async run(raw, io) {
    const options = toModelOptions(raw);
    const activationsPath = raw.activations as string | undefined;
    const timingsPath = raw.timings as string | undefined;
    if (activationsPath === undefined && timingsPath === undefined)
      throw new Error("invalid trace: nothing to write (give --activations FILE and/or --timings FILE)");
    const format: IpcFormat = toIPCFormat((raw.format as string | undefined) ?? "file");
    const maxCacheMb = toInt(raw, "max-cache-mb", {min: 1}) ?? DEFAULT_MAX_CACHE_MB;
    const quant = quantSettingsFromRaw(raw);

    const {model, tokenizer} = await loadModelFor(options);
    const {config} = model;
    const names = selectHooks(config, toList(raw, "hooks"), toTokenList(raw, "layers"));
    const tokens = options.tokens ?? encode(tokenizer, options.prompt ?? "");
    const steps = Math.min(options.steps ?? (options.tokens ? tokens.length : DEFAULT_STEPS), config.seqLen);
    const g: Generation = {tokens, steps, options};
    if (activationsPath !== undefined) {
      const mb = (captureFloats(config, names, Math.min(tokens.length, steps), steps) * 4) / 2 ** 20;
      if (mb > maxCacheMb)
        throw new Error(
          `invalid trace: the activations would take ${mb.toFixed(0)} MB, over --max-cache-mb ${maxCacheMb}; ` +
            `capture fewer hooks (--hooks), layers (--layers) or positions (--steps), or raise --max-cache-mb`
        );
    }
    const settings = quant ? toQuantSettings(quant) : null;
    if (quant) setMatrices(model, quantMatrices(model, quant));

    const run: RunInfo = {
      model: {name: options.model ? basename(options.model) : "built-in default", config: {...config}},
      quant: settings && {quant: formatQuantSpec(settings.quant), weights: settings.weights, act: settings.act},
      seed: options.temperature > 0 ? options.seed : null
    };
    const result: Partial<TraceRun> = {};
    if (activationsPath !== undefined) Object.assign(result, await captureActivations(model, g, names));
    if (timingsPath !== undefined) {
      const profiled = await profileSteps(model, g);
      if (result.tokens && result.tokens.join() !== profiled.tokens.join())
        throw new Error("trace runs disagree: the profiled run fed other tokens than the captured run; please report");
      Object.assign(result, profiled);
    }

    const written: Record<string, {path: string; rows: number; bytes: number}> = {};
    if (activationsPath !== undefined) {
      const trace = {
        tokens: result.tokens!,
        text: tokenText(tokenizer, result.tokens!),
        activations: result.activations!
      };
      written.activations = {
        path: activationsPath,
        ...writeArrowFile(activationsPath, activationBatches(trace, run), format)
      };
    }
    if (timingsPath !== undefined) {
      const table = timingsToTable(result.timings!, {...run, timerResolutionMs: result.timerResolutionMs});
      written.timings = {path: timingsPath, ...writeArrowFile(timingsPath, table, format)};
    }
    if (options.json) {
      io.out(JSON.stringify({positions: result.tokens!.length, hooks: names.length, format, written}) + "\n");
      return;
    }
    for (const [kind, w] of Object.entries(written)) {
      io.out(`wrote ${w.path}: ${kind}, ${w.rows} rows, ${(w.bytes / 2 ** 20).toFixed(2)} MB (Arrow IPC ${format})\n`);
    }
  }
};

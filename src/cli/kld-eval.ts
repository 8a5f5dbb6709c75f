// glassbox eval --base F32.gguf | --base-quant SPEC: llama-perplexity --kl-divergence-base + --kl-divergence in one
// command. The text is tokenized as llama-perplexity does (-f drops one trailing newline; BOS added), cut in chunks
// of --ctx, and the --model (under --quant, or --act ggml: llama.cpp's numerics on its own types) is scored against
// the base: another file, or the same model under --base-quant. The output is llama-perplexity's: the running row
// per chunk and its closing statistics, or (--json) one object whose `statistics` uses the fixtures' .kld.json names.
import {readFile} from "node:fs/promises";
import {basename} from "node:path";
import {quantMatrices} from "../quant/provider.ts";
import {toQuantSettings, type QuantSettingsSpec} from "../quant/modes.ts";
import {
  formatKldChunkRow,
  formatKldTable,
  klDivergence,
  KLD_CHUNK_HEADER,
  kldTable,
  modelChunkLogits
} from "../quant/perplexity/index.ts";
import type {Io} from "./command.ts";
import {applyNumerics, loadModelFor, requireText, type CliModel} from "./load-model.ts";
import type {ModelOptions, OptionSpec, RawOptions} from "./options.ts";
import {refuseSameFile} from "./paths.ts";
import {simulatedNoteLines} from "./simulated.ts";

export const KLD_OPTIONS: OptionSpec[] = [
  {
    name: "base",
    type: "string",
    arg: "FILE",
    help: "score --model against this model (e.g. the F32 GGUF) as llama-perplexity --kl-divergence; no --quant needed"
  },
  {
    name: "base-quant",
    type: "string",
    arg: "SPEC",
    help: "the base is the --model (or --base) under this quant spec, e.g. fp32 or q8_0"
  }
];

/** eval's flags that belong to its fp32-vs---quant report, refused beside --base / --base-quant */
const REPORT_ONLY = ["sensitivity", "activations", "metrics"];

export const wantsKldEval = (raw: RawOptions) => raw.base !== undefined || raw["base-quant"] !== undefined;

function toBaseQuant(raw: RawOptions): QuantSettingsSpec | null {
  const spec = raw["base-quant"];
  if (spec === undefined) return null;
  try {
    toQuantSettings({quant: spec as string});
  } catch (error) {
    throw new Error(`invalid base-quant: ${spec} (${(error as Error).message})`, {cause: error});
  }
  return {quant: spec as string};
}

/** The text as llama-perplexity -f reads it: one trailing newline removed, no other processing. */
async function readText(path: string): Promise<string> {
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new Error(`invalid text: ${path} (${e.code === "ENOENT" ? "no such file" : e.message})`);
  });
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** Refuses a base whose distributions are over other tokens, or that reads the text as other ids. */
function checkSameVocabulary(model: CliModel, base: CliModel, tokens: number[], baseTokens: number[], path: string) {
  const [V, Vb] = [model.model.config.vocabSize, base.model.config.vocabSize];
  if (V !== Vb)
    throw new Error(
      `invalid base: ${path} has ${Vb} tokens, the model ${V} (KL divergence compares distributions over one ` +
        "vocabulary; give a base made from the same model, e.g. its F32 GGUF)"
    );
  const at = tokens.findIndex((id, i) => id !== baseTokens[i]);
  if (at >= 0 || tokens.length !== baseTokens.length)
    throw new Error(
      `invalid base: ${path} tokenizes the text differently (id ${at >= 0 ? at : Math.min(tokens.length, baseTokens.length)}: ` +
        `${tokens[at] ?? "end"} vs ${baseTokens[at] ?? "end"}); give a base with the model's vocabulary`
    );
}

/** The BOS id llama-perplexity puts first in each chunk: what the codec adds before an empty text, if anything. */
function bosOf(encode: (text: string) => number[], tokens: number[]): number | null {
  const empty = encode("");
  return empty.length > 0 && tokens[0] === empty[0] ? empty[0]! : null;
}

export async function kldEval(raw: RawOptions, options: ModelOptions, io: Io): Promise<void> {
  for (const name of REPORT_ONLY)
    if (raw[name] !== undefined)
      throw new Error(`invalid ${name}: not with --base/--base-quant (llama-perplexity's KLD report has no ${name})`);
  if (typeof raw.text !== "string") throw new Error("invalid text: missing (--text FILE)");
  const basePath = raw.base as string | undefined;
  const baseQuant = toBaseQuant(raw);
  refuseSameFile({text: raw.text, model: options.model, base: basePath}, {});
  const text = await readText(raw.text);
  const running = await loadModelFor(options);
  let base: CliModel | null = null;
  try {
    for (const line of applyNumerics(running, options)) io.err(line);
    for (const line of simulatedNoteLines(running.model.config, options.quant)) io.err(line);
    const codec = requireText(running, "--text");
    const tokens = codec.encode(text);
    const modelName = options.model ? basename(options.model) : "the built-in model";
    let baseLogits;
    if (basePath !== undefined) {
      base = await loadModelFor({...options, model: basePath});
      // the base under llama.cpp's numerics too (on an F32 file they change nothing), unless --base-quant says how
      applyNumerics(base, {quant: baseQuant, ggmlNumerics: options.ggmlNumerics && !baseQuant && base.gguf});
      checkSameVocabulary(running, base, tokens, requireText(base, "--base").encode(text), basePath);
      baseLogits = modelChunkLogits(base.model);
    } else {
      baseLogits = modelChunkLogits(running.model, quantMatrices(running.model, baseQuant!));
    }
    const {seqLen, vocabSize} = running.model.config;
    const ctx = Math.min(options.ctx ?? seqLen, seqLen, base?.model.config.seqLen ?? seqLen);
    const run = await klDivergence(baseLogits, modelChunkLogits(running.model), tokens, {
      ctx,
      bos: bosOf((t) => codec.encode(t), tokens),
      vocabSize
    });
    const act = options.ggmlNumerics ? "ggml" : toQuantSettings(options.quant ?? {}).act;
    const what = {
      model: modelName,
      quant: options.quant?.quant ?? null,
      act,
      kv: options.kv,
      base: basePath === undefined ? modelName : basename(basePath),
      base_quant: baseQuant?.quant ?? null
    };
    if (options.json) {
      io.out(
        JSON.stringify({
          ...what,
          chunking: run.chunking,
          token_ids: tokens,
          statistics: run.statistics,
          per_chunk_cumulative: run.chunks
        }) + "\n"
      );
      return;
    }
    const quantName = what.quant ? ` under ${what.quant}` : "";
    const baseName = `${what.base}${what.base_quant ? ` under ${what.base_quant}` : ""}`;
    io.out(
      `${modelName}${quantName} (act ${act}, KV ${options.kv}) against ${baseName}: ${tokens.length} tokens, ` +
        `${run.chunking.n_chunk} chunks of ${ctx}, ${run.chunking.n_scored} scored\n\n`
    );
    io.out(`${KLD_CHUNK_HEADER}\n`);
    for (const r of run.chunks) io.out(`${formatKldChunkRow(r)}\n`);
    io.out("\n" + formatKldTable(kldTable(run.statistics)));
  } finally {
    base?.close();
    running.close();
  }
}

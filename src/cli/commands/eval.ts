// glassbox eval --text FILE [model options] --quant SPEC [--weights MODE] [--act SPEC] [--ctx N]
//   [--sensitivity matrix|layer] [--activations] [--metrics m.arrow] [--json]
// glassbox eval --text FILE --model Q.gguf --base F32.gguf | --base-quant SPEC [--act ggml] [--ctx N] [--json]:
//   llama-perplexity's KL-divergence report against a base (../kld-eval.ts).
// Runs the model over the text twice, float32 and quantized, and prints llama-perplexity's metrics (mean KLD with
// median / p99 / p99.9 / max, same top-1 %, Δp of the correct token, PPL ratio and ΔPPL), optionally the per-hook
// activation error and a sensitivity ranking (one matrix or one layer quantized at a time). --metrics writes the
// model-level row (and one row per hook with --activations) as an Arrow metrics table (src/data/metrics.ts).
import {readFile} from "node:fs/promises";
import {basename} from "node:path";
import type {RunInfo} from "../../data/metadata.ts";
import {evalMetricsTable} from "../../data/metrics.ts";
import {writeArrowFile} from "../../data/write-file.node.ts";
import {activationErrors, evaluateQuant, sensitivity} from "../../quant/evaluate.ts";
import type {ModelMetrics} from "../../quant/model-metrics.ts";
import {toQuantSettings} from "../../quant/modes.ts";
import {quantMatrices} from "../../quant/provider.ts";
import {formatQuantSpec} from "../../quant/spec.ts";
import type {Command} from "../command.ts";
import {KLD_OPTIONS, kldEval, wantsKldEval} from "../kld-eval.ts";
import {loadModelFor, requireText} from "../load-model.ts";
import {toModelOptions} from "../options.ts";
import {refuseSameFile} from "../paths.ts";
import {simulatedNoteLines} from "../simulated.ts";

/** activation capture holds every hook of one prefill: keep the text it runs on short */
const ACTIVATION_TOKENS = 64;

function describe(m: ModelMetrics): string {
  const pct = (v: number) => `${(100 * v).toFixed(3)} %`;
  return [
    `scored tokens   ${m.tokens}`,
    `mean KLD        ${m.kld.mean.toFixed(6)}  (median ${m.kld.median.toFixed(6)}, p99 ${m.kld.p99.toFixed(6)}, ` +
      `p99.9 ${m.kld.p999.toFixed(6)}, max ${m.kld.max.toFixed(6)})`,
    `same top-1      ${m.sameTopPct.toFixed(3)} %`,
    `Δp correct      mean ${pct(m.deltaP.mean)}, RMS ${pct(m.deltaP.rms)}`,
    `PPL             fp32 ${m.ppl.base.toFixed(4)}, quantized ${m.ppl.quant.toFixed(4)}, ratio ${m.ppl.ratio.toFixed(6)}, ` +
      `ln ratio ${m.ppl.lnRatio.toFixed(6)}, ΔPPL ${m.ppl.delta.toFixed(6)}`
  ].join("\n");
}

export const evalCommand: Command = {
  name: "eval",
  summary: "what quantization costs on a text: KLD, same top-1, Δp and PPL against float32 or a --base model",
  modelOptions: true,
  // eval scores --text under teacher forcing: nothing is sampled and every token of the text is run
  unusedModelOptions: ["prompt", "tokens", "steps", "temperature", "top-p", "seed"],
  options: [
    {name: "text", type: "string", arg: "FILE", help: "UTF-8 text to score (encoded with BOS)"},
    {name: "sensitivity", type: "string", arg: "BY", help: "also rank matrix | layer by KLD, one at a time"},
    {name: "activations", type: "boolean", help: "also print per-hook activation SQNR and cosine"},
    {name: "metrics", type: "string", arg: "FILE", help: "also write the metrics as an Arrow table (+ hook rows)"},
    ...KLD_OPTIONS
  ],
  async run(raw, io) {
    const options = toModelOptions(raw);
    if (wantsKldEval(raw)) return kldEval(raw, options, io);
    if (options.ggmlNumerics)
      throw new Error(
        "invalid act: ggml (eval scores a --quant spec against fp32; for llama.cpp's numerics on a GGUF give a --base, e.g. --base model.f32.gguf)"
      );
    if (typeof raw.text !== "string") throw new Error("invalid text: missing (--text FILE)");
    const by = raw.sensitivity;
    if (by !== undefined && by !== "matrix" && by !== "layer") throw new Error(`invalid sensitivity: ${by}`);
    const spec = options.quant ?? {};
    const metricsPath = raw.metrics as string | undefined;
    refuseSameFile({text: raw.text, model: options.model, tokenizer: options.tokenizer}, {metrics: metricsPath});
    if (spec.quant === undefined) throw new Error("invalid quant: missing (--quant SPEC, e.g. q4_0)");
    const settings = toQuantSettings(spec);
    const path = raw.text;
    const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
      throw new Error(`invalid text: ${path} (${e.code === "ENOENT" ? "no such file" : e.message})`);
    });
    const running = await loadModelFor(options);
    const {model} = running;
    try {
      for (const line of simulatedNoteLines(model.config, spec)) io.err(line);
      const tokens = requireText(running, "--text").encode(text);
      if (tokens.length < 2)
        throw new Error(`invalid text: ${path} is empty (scoring needs at least one token of text after BOS)`);
      // llama-perplexity's -c: chunks of ctx tokens (default the model's context), the second half of each scored
      const ctx = options.ctx;
      const metrics = evaluateQuant(model, tokens, spec, {ctx});
      const activations =
        raw.activations === true ? activationErrors(model, tokens.slice(0, ACTIVATION_TOKENS), spec) : null;
      const ranking = by
        ? await sensitivity(model, tokens, spec.quant as string, by, {ctx, weights: spec.weights})
        : null;
      const quant = formatQuantSpec(settings.quant);
      let written: {path: string; rows: number; bytes: number} | null = null;
      if (metricsPath !== undefined) {
        const {bpw} = quantMatrices(model, spec).residency();
        const run: RunInfo = {
          model: {name: options.model ? basename(options.model) : "built-in default", config: {...model.config}},
          quant: {quant, weights: settings.weights, act: settings.act},
          seed: null
        };
        const table = evalMetricsTable(run, quant, bpw, metrics, activations ?? []);
        written = {path: metricsPath, ...writeArrowFile(metricsPath, table)};
      }
      if (options.json) {
        const sens = ranking?.map((r) => ({
          target: r.target,
          spec: r.spec,
          kldMean: r.metrics.kld.mean,
          sameTopPct: r.metrics.sameTopPct
        }));
        io.out(
          JSON.stringify({
            quant,
            weights: settings.weights,
            act: settings.act,
            textTokens: tokens.length,
            metrics,
            activations,
            written,
            sensitivity: sens ?? null
          }) + "\n"
        );
        return;
      }
      io.out(
        `${quant} (weights ${settings.weights}, act ${settings.act}) vs fp32 on ${tokens.length} tokens\n${describe(metrics)}\n`
      );
      if (written) io.out(`wrote ${written.path}: metrics, ${written.rows} rows (Arrow IPC file)\n`);
      if (activations) {
        io.out("\nhook                                   SQNR dB    cosine\n");
        for (const h of activations)
          io.out(`${h.hook.padEnd(38)} ${h.sqnrDb.toFixed(2).padStart(8)}  ${h.cosine.toFixed(6)}\n`);
      }
      if (ranking) {
        io.out(`\nsensitivity (${by}, ${spec.quant} one at a time), worst first:\n`);
        const width = Math.max(...ranking.map((r) => r.target.length));
        for (const r of ranking)
          io.out(
            `${r.target.padEnd(width)} KLD ${r.metrics.kld.mean.toFixed(6)}  same top-1 ${r.metrics.sameTopPct.toFixed(1)} %\n`
          );
      }
    } finally {
      running.close();
    }
  }
};

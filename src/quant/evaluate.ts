// Running a model twice over the same tokens, float32 and quantized, to measure what quantization costs:
// model-level metrics (model-metrics.ts), per-hook activation error, and sensitivity (one matrix or layer at a time).
// Each text is cut in chunks of ctx tokens fed from position 0; like llama-perplexity, only the second half of each
// chunk is scored, so every scored token has context. The model's provider is restored afterwards.
import {prefill} from "../engine/forward.ts";
import {yieldToEventLoop} from "../engine/generate.ts";
import {addHook} from "../engine/hooks/hooks.ts";
import {hookNames, type HookName} from "../engine/hooks/names.ts";
import type {Transformer} from "../engine/transformer.ts";
import {setMatrices} from "../engine/transformer.ts";
import {cosine, sqnrDb} from "./metrics.ts";
import {compareLogits, type ModelMetrics} from "./model-metrics.ts";
import type {QuantSettingsSpec} from "./modes.ts";
import {quantMatrices} from "./provider.ts";
import {toFormat} from "../formats/schemes.ts";
import {LAYER_MATRICES} from "../model-files/matrix-names.ts";

export interface EvalOptions {
  /** tokens per chunk (default: the model's seq_len, at most the text) */
  ctx?: number;
}

interface Run {
  /** (N, V) logits, row t after feeding token t */
  logits: Float32Array;
  /** (N,) the token each row is scored against, -1 where not scored */
  targets: Int32Array;
}

function chunks(model: Transformer, tokens: ArrayLike<number>, ctx: number | undefined): number[][] {
  if (tokens.length < 2) throw new Error(`invalid tokens: ${tokens.length} (scoring needs at least 2)`);
  const n = Math.min(ctx ?? model.config.seqLen, model.config.seqLen, tokens.length);
  if (!(n >= 2)) throw new Error(`invalid ctx: ${ctx ?? n} (need at least 2 tokens per chunk)`);
  const out: number[][] = [];
  for (let i = 0; i + n <= tokens.length; i += n) out.push(Array.from({length: n}, (_, j) => tokens[i + j]!));
  return out;
}

/** Feeds every chunk with the given settings and returns the logits and the scored targets. */
function run(model: Transformer, parts: number[][], settings: QuantSettingsSpec): Run {
  const V = model.config.vocabSize;
  const N = parts.length * parts[0]!.length;
  const logits = new Float32Array(N * V);
  const targets = new Int32Array(N).fill(-1);
  const previous = setMatrices(model, quantMatrices(model, settings));
  try {
    let row = 0;
    for (const part of parts) {
      logits.set(prefill(model, part, 0), row * V);
      for (let t = Math.floor(part.length / 2); t < part.length - 1; t++) targets[row + t] = part[t + 1]!;
      row += part.length;
    }
  } finally {
    setMatrices(model, previous);
  }
  return {logits, targets};
}

/** Model-level metrics of `settings` against float32 over the tokens of a text. */
export function evaluateQuant(
  model: Transformer,
  tokens: ArrayLike<number>,
  settings: QuantSettingsSpec,
  options: EvalOptions = {}
): ModelMetrics {
  const parts = chunks(model, tokens, options.ctx);
  const base = run(model, parts, {weights: "fp32"});
  const quant = run(model, parts, settings);
  return compareLogits(base.logits, quant.logits, model.config.vocabSize, base.targets);
}

export interface HookError {
  hook: HookName;
  sqnrDb: number;
  cosine: number;
}

/** Per-hook SQNR and cosine of a quantized run against the float32 run on the same tokens (one prefill). */
export function activationErrors(
  model: Transformer,
  tokens: ArrayLike<number>,
  settings: QuantSettingsSpec
): HookError[] {
  const names = hookNames(model.config.nLayers);
  const capture = (s: QuantSettingsSpec) => {
    const seen = new Map<HookName, Float32Array>();
    const removers = names.map((name) => addHook(model, name, (a) => void seen.set(name, a.slice())));
    try {
      run(model, [Array.from(tokens)], s);
    } finally {
      for (const remove of removers) remove();
    }
    return seen;
  };
  const base = capture({weights: "fp32"});
  const quant = capture(settings);
  return names.map((hook) => {
    const [ref, approx] = finitePairs(base.get(hook)!, quant.get(hook)!);
    return {hook, sqnrDb: sqnrDb(ref, approx), cosine: cosine(ref, approx)};
  });
}

/** The entries where ref is finite: attention scores hold −inf at masked positions in both runs. */
function finitePairs(ref: Float32Array, approx: Float32Array): [Float32Array, Float32Array] {
  if (ref.every(Number.isFinite)) return [ref, approx];
  const keep = ref.map((v) => (Number.isFinite(v) ? 1 : 0));
  return [ref.filter((_, i) => keep[i]), approx.filter((_, i) => keep[i])];
}

export interface Sensitivity {
  /** the override quantized in this run, e.g. "blk.2.ffn_down", "blk.0", "token_embd" */
  target: string;
  /** the target's place in the sweep: layers (each layer's matrices) in order, then token_embd and output */
  index: number;
  /** the whole spec of the run, e.g. "fp32,blk.2.ffn_down=q4_0" */
  spec: string;
  metrics: ModelMetrics;
}

/** The targets a sensitivity run tries: every blk.<i>.<matrix> then token_embd and output, or every blk.<i>. */
export function sensitivityTargets(nLayers: number, by: "matrix" | "layer"): string[] {
  const layers = Array.from({length: nLayers}, (_, l) => `blk.${l}`);
  if (by === "layer") return layers;
  return [...layers.flatMap((l) => LAYER_MATRICES.map((m) => `${l}.${m}`)), "token_embd", "output"];
}

export interface SensitivityOptions extends EvalOptions {
  /** weight mode of the quantized runs (default "cached") */
  weights?: string;
  /** stops the sweep between runs (it rejects with the signal's reason) */
  signal?: AbortSignal;
}

/**
 * Quantizes one matrix (by "matrix": every blk.<i>.<matrix>, plus token_embd and output) or one layer (by "layer":
 * blk.<i>) at a time with `format`, everything else float32; returns the runs ranked by mean KLD, worst first. A sweep
 * is one model run per target (about thirty by matrix), so it gives the event loop a turn between runs: a page stays
 * responsive and `signal` can stop it.
 */
export async function sensitivity(
  model: Transformer,
  tokens: ArrayLike<number>,
  format: string,
  by: "matrix" | "layer",
  {ctx, weights = "cached", signal}: SensitivityOptions = {}
): Promise<Sensitivity[]> {
  const f = toFormat(format).name;
  const targets = sensitivityTargets(model.config.nLayers, by);
  signal?.throwIfAborted();
  const parts = chunks(model, tokens, ctx);
  const base = run(model, parts, {weights: "fp32"});
  const V = model.config.vocabSize;
  const out: Sensitivity[] = [];
  for (const [index, target] of targets.entries()) {
    await yieldToEventLoop();
    signal?.throwIfAborted();
    const spec = `fp32,${target}=${f}`;
    const q = run(model, parts, {quant: spec, weights});
    out.push({target, index, spec, metrics: compareLogits(base.logits, q.logits, V, base.targets)});
  }
  return out.sort((a, b) => b.metrics.kld.mean - a.metrics.kld.mean);
}

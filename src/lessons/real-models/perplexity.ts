// The llama-perplexity table on one model: fp32 is the base, the same model under a quant spec is scored against it
// (one copy, the provider swapped per chunk), chunked and scored as llama-perplexity does; shown as llama.cpp prints
// it: the running row after each chunk, then its closing statistics.
import {yieldToEventLoop} from "../../engine/generate.ts";
import type {Transformer} from "../../engine/index.ts";
import {quantMatrices} from "../../quant/provider.ts";
import {
  formatKldChunkRow,
  formatKldTable,
  KLD_CHUNK_HEADER,
  klDivergence,
  kldTable,
  modelChunkLogits,
  type KldRun
} from "../../quant/perplexity/index.ts";
import {makeCorpus} from "../../train/corpus.ts";
import "./real-models.css";

/** Stories from the built-in model's held-out split (its training corpus' validation seed), as one text. */
export function heldOutText(stories: number): string {
  return makeCorpus({trainStories: 0, valStories: stories}).val.join("\n");
}

export interface KldReportOptions {
  /** llama-perplexity's -c */
  ctx: number;
  /** the BOS id each chunk starts with (null: none) */
  bos: number | null;
  /** stops between chunks */
  signal?: AbortSignal;
}

/** tokens: the text's ids, BOS first. The model's own provider is left as it was. */
export async function kldReport(
  model: Transformer,
  spec: string,
  tokens: ArrayLike<number>,
  {ctx, bos, signal}: KldReportOptions
): Promise<KldRun> {
  const base = modelChunkLogits(model, quantMatrices(model, {weights: "fp32"}));
  const quant = modelChunkLogits(model, quantMatrices(model, {quant: spec, weights: "cached"}));
  return klDivergence(base, quant, tokens, {
    ctx,
    bos,
    vocabSize: model.config.vocabSize,
    between: async () => {
      signal?.throwIfAborted();
      await yieldToEventLoop();
      signal?.throwIfAborted();
    }
  });
}

/** The report as llama-perplexity prints it, in a <pre> that carries the headline numbers as data attributes. */
export function kldReportElement(run: KldRun): HTMLPreElement {
  const pre = document.createElement("pre");
  pre.className = "gb-kld-table";
  const s = run.statistics;
  pre.dataset.kldMean = String(s.kld_mean.value);
  pre.dataset.sameTop = String(s.same_top_p_percent.value);
  pre.dataset.pplRatio = String(s.ppl_ratio.value);
  pre.dataset.scored = String(run.chunking.n_scored);
  const rows = run.chunks.map(formatKldChunkRow).join("\n");
  pre.textContent = `${KLD_CHUNK_HEADER}\n${rows}\n\n${formatKldTable(kldTable(s))}`;
  return pre;
}

// llama-perplexity --kl-divergence-base + --kl-divergence in one pass: per chunk, the base model's logits become
// 16-bit records (base-record.ts) for the scored positions, then the quantized model's logits of the same chunk are
// scored against them (score.ts). The two models are any functions from a chunk's ids to its logits, so the base may
// be another file (an F32 GGUF) or the same model under another quant setting.
import {baseRecord} from "./base-record.ts";
import {kldChunking} from "./chunks.ts";
import {emptyKldSums, scoreToken} from "./score.ts";
import {chunkRow, kldStatistics, type KldChunkRow, type KldStatistics} from "./statistics.ts";

/** ids (ctx,) fed at positions 0.. from an empty cache -> logits (ctx, V), row t after ids[t] */
export type ChunkLogits = (ids: Int32Array) => Float32Array;

export interface KldOptions {
  /** ids per chunk (llama-perplexity's -c) */
  ctx: number;
  /** the BOS id each chunk starts with, null when the vocabulary adds none */
  bos: number | null;
  vocabSize: number;
  /** called between chunks (a page yields to its event loop there); may throw to stop */
  between?: (chunk: number, chunks: number) => Promise<void> | void;
}

export interface KldRun {
  chunking: {n_ctx: number; n_chunk: number; n_tokens_text: number; scored_per_chunk: number; n_scored: number};
  statistics: KldStatistics;
  /** the running rows printed after each chunk */
  chunks: KldChunkRow[];
  /** per scored token in scoring order */
  perToken: {kld: Float32Array; dp: Float32Array; sameTop: Uint8Array};
}

export async function klDivergence(
  base: ChunkLogits,
  quant: ChunkLogits,
  tokens: ArrayLike<number>,
  {ctx, bos, vocabSize: V, between}: KldOptions
): Promise<KldRun> {
  const plan = kldChunking(tokens, ctx, bos);
  const nScored = plan.chunks.length * plan.scoredPerChunk;
  const kld = new Float32Array(nScored);
  const dp = new Float32Array(nScored);
  const sameTop = new Uint8Array(nScored);
  const sums = emptyKldSums();
  const rows: KldChunkRow[] = [];
  let k = 0;
  for (const [c, ids] of plan.chunks.entries()) {
    await between?.(c, plan.chunks.length);
    const b = base(ids);
    const records = Array.from({length: plan.scoredPerChunk}, (_, j) => baseRecord(b, (plan.first + j) * V, V));
    const q = quant(ids);
    for (const [j, record] of records.entries()) {
      const t = plan.first + j;
      const s = scoreToken(sums, q, t * V, V, record, ids[t + 1]!);
      kld[k] = s.kld;
      dp[k] = s.dp;
      sameTop[k++] = s.sameTop ? 1 : 0;
    }
    rows.push(chunkRow(c + 1, sums));
  }
  return {
    chunking: {
      n_ctx: ctx,
      n_chunk: plan.chunks.length,
      n_tokens_text: tokens.length,
      scored_per_chunk: plan.scoredPerChunk,
      n_scored: nScored
    },
    statistics: kldStatistics(sums, kld, dp),
    chunks: rows,
    perToken: {kld, dp, sameTop}
  };
}

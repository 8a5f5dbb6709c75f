// llama-perplexity's chunking (examples/perplexity/perplexity.cpp at c392e5094): the text's ids cut into
// ⌊n/ctx⌋ chunks of ctx ids (the tail is dropped), each fed from position 0 with its first id replaced by BOS
// (replaced, not inserted), and in each the logits at positions ctx/2 .. ctx−2 scored against the ids after them.

export interface KldChunking {
  /** ids per chunk, llama-perplexity's -c */
  ctx: number;
  /** each chunk's ids as fed: (ctx,), the first replaced by BOS when the vocabulary adds one */
  chunks: Int32Array[];
  /** the first scored position, ctx/2 (rounded down) */
  first: number;
  /** scored positions per chunk: first .. ctx−2, ctx − 1 − first of them */
  scoredPerChunk: number;
  /** ids of the text left unused after the last whole chunk */
  unused: number;
}

/** tokens: the text's ids (BOS first when the vocabulary adds one); bos: that id, or null when it adds none. */
export function kldChunking(tokens: ArrayLike<number>, ctx: number, bos: number | null): KldChunking {
  if (!Number.isInteger(ctx) || ctx < 4)
    throw new Error(`invalid ctx: ${ctx} (the scored second half of a chunk needs a context of at least 4)`);
  // llama-perplexity refuses texts shorter than two contexts, with this message
  if (tokens.length < 2 * ctx)
    throw new Error(
      `invalid text: ${tokens.length} tokens; a context of ${ctx} needs at least ${2 * ctx} (give a longer text or a smaller --ctx)`
    );
  const n = Math.floor(tokens.length / ctx);
  const chunks = Array.from({length: n}, (_, c) => {
    const ids = Int32Array.from({length: ctx}, (_, j) => tokens[c * ctx + j]!);
    if (bos !== null) ids[0] = bos;
    return ids;
  });
  const first = Math.floor(ctx / 2);
  return {ctx, chunks, first, scoredPerChunk: ctx - 1 - first, unused: tokens.length - n * ctx};
}

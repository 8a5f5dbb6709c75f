// llama-imatrix's collection (llama.cpp c392e5094, examples/imatrix/imatrix.cpp collect_imatrix) through the engine's
// hooks: for every matrix the forward pass multiplies by, the sum over the text's tokens of each input column's
// square, Σ_t x_t[j]², accumulated in float32 token by token as its std::vector<float> is. The input of a matrix is the
// activation hook just before it:
//   attn_q, attn_k, attn_v ← blocks.l.ln1.hook_normalized      attn_output ← blocks.l.attn.hook_z (heads flattened)
//   ffn_gate, ffn_up      ← blocks.l.ln2.hook_normalized      ffn_down    ← blocks.l.mlp.hook_post
//   output                ← ln_final.hook_normalized (only with processOutput, llama-imatrix's --process-output, and
//                           only a model's own classifier: a shared one is token_embd, which it never collects)
// The text is cut as llama-imatrix (and llama-perplexity) cut it: ⌊n/ctx⌋ chunks of ctx tokens, each fed from position
// 0 with its first token replaced by BOS; one prefill per chunk is one call of every matrix (llama-imatrix with ctx ≤
// its ubatch of 512, the default), so ncall counts chunks. token_embd is a row lookup, not a product: never collected.
import {actName, type HookFn, type HookKey, type HookName} from "../../engine/hooks/index.ts";
import {runWithHooks} from "../../engine/hooks/run.ts";
import type {Transformer} from "../../engine/transformer.ts";
import {ggufTensorName, type LinearMatrix} from "../../model-files/matrix-names.ts";
import {kldChunking} from "../perplexity/chunks.ts";
import type {ImatrixFile} from "./dat.ts";

const fr = Math.fround;

/** The hook whose activation is each matrix's input. */
export const MATRIX_INPUT: Readonly<Record<LinearMatrix, HookKey>> = {
  attn_q: "ln1.hook_normalized",
  attn_k: "ln1.hook_normalized",
  attn_v: "ln1.hook_normalized",
  attn_output: "attn.hook_z",
  ffn_gate: "ln2.hook_normalized",
  ffn_down: "mlp.hook_post",
  ffn_up: "ln2.hook_normalized",
  output: "ln_final.hook_normalized"
};

/** llama-imatrix's batches under 16 tokens are not collected (its `src1->ne[1] < 16` test) */
export const MIN_IMATRIX_TOKENS = 16;

export interface ImatrixStats {
  /** the ggml tensor name, "blk.0.attn_q.weight" */
  readonly name: string;
  /** (cols,) Σ over the tokens of each input column's square, float32 */
  readonly sums: Float32Array;
  /** tokens seen (llama-imatrix's per-column count; equal for every column of a dense matrix) */
  readonly count: number;
  /** calls: the chunks run */
  readonly ncall: number;
}

export interface ImatrixCollection {
  /** per matrix, in the model's order (blocks, then output) */
  readonly stats: readonly ImatrixStats[];
  /** chunks run (llama-imatrix's m_last_call) */
  readonly chunks: number;
  /** tokens per chunk */
  readonly ctx: number;
}

export interface CollectOptions {
  /** tokens per chunk, llama-imatrix's -c (default: the model's context, at most 512) */
  ctx?: number;
  /** the BOS id put first in every chunk, null when the vocabulary adds none (default 1, llama2.c's BOS) */
  bos?: number | null;
  /** at most this many chunks (llama-imatrix's --chunks; default all whole chunks) */
  chunks?: number;
  /** also collect output.weight (llama-imatrix's --process-output; off by default as there) */
  processOutput?: boolean;
  /** after each chunk: chunks done, chunks in all */
  onProgress?: (done: number, total: number) => void;
  /** checked between chunks; the page gets a turn of its event loop there */
  signal?: AbortSignal;
}

/** Runs the text's tokens through the model chunk by chunk and sums the squared inputs of every matrix. */
export async function collectImatrix(
  model: Transformer,
  tokens: ArrayLike<number>,
  options: CollectOptions = {}
): Promise<ImatrixCollection> {
  const c = model.config;
  const {ctx = Math.min(512, c.seqLen), bos = 1, processOutput = false, onProgress, signal} = options;
  if (!Number.isInteger(ctx) || ctx < MIN_IMATRIX_TOKENS || ctx > c.seqLen)
    throw new Error(
      `invalid ctx: ${ctx} (llama-imatrix collects batches of ${MIN_IMATRIX_TOKENS} tokens or more, ` +
        `and this model's context is ${c.seqLen})`
    );
  const plan = kldChunking(tokens, ctx, bos);
  const total = Math.min(plan.chunks.length, options.chunks ?? Infinity);
  if (!(total >= 1)) throw new Error(`invalid chunks: ${options.chunks} (at least 1)`);

  // one running sum per distinct input: q, k and v (gate and up) read the same activation, so they share it
  const inputs = new Map<HookName, Float32Array>();
  const entries: {name: string; input: HookName}[] = [];
  const add = (matrix: LinearMatrix, layer: number) => {
    const input = actName(MATRIX_INPUT[matrix], layer);
    if (!inputs.has(input)) inputs.set(input, new Float32Array(matrix === "ffn_down" ? c.hiddenDim : c.dim));
    entries.push({name: ggufTensorName(matrix, layer), input});
  };
  for (let l = 0; l < c.nLayers; l++)
    for (const m of ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_down", "ffn_up"] as const) add(m, l);
  // a shared classifier multiplies by token_embd.weight, which llama-imatrix's name filter never collects
  if (processOutput && !c.sharedClassifier) add("output", -1);

  const accumulate: HookFn = (x, hook) => {
    const sums = inputs.get(hook.name)!;
    const n = sums.length;
    for (let t = 0, o = 0; t < hook.shape[0]!; t++, o += n)
      for (let j = 0; j < n; j++) sums[j] = fr(sums[j]! + fr(x[o + j]! * x[o + j]!));
  };
  const hooks = [...inputs.keys()].map((name) => [name, accumulate] as [HookName, HookFn]);
  for (let chunk = 0; chunk < total; chunk++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    signal?.throwIfAborted();
    runWithHooks(model, plan.chunks[chunk]!, {hooks});
    for (const [name, sums] of inputs) {
      const bad = sums.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new Error(`imatrix: ${sums[bad]} in the sums of ${name} column ${bad} after chunk ${chunk + 1}`);
    }
    onProgress?.(chunk + 1, total);
  }
  const stats = entries.map(({name, input}) => ({
    name,
    sums: inputs.get(input)!.slice(),
    count: total * ctx,
    ncall: total
  }));
  return {stats, chunks: total, ctx};
}

/**
 * The `.dat` file llama-imatrix's save_imatrix writes for these sums: each value (Σx²/count)·ncall in float32, the
 * chunk count and the dataset name in the trailer.
 */
export function imatrixFile(collection: ImatrixCollection, dataset = ""): ImatrixFile {
  return {
    entries: collection.stats.map((s) => ({
      name: s.name,
      ncall: s.ncall,
      values: s.sums.map((v) => fr(fr(v / s.count) * s.ncall))
    })),
    lastCall: collection.chunks,
    dataset
  };
}

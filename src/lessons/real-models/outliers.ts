// Outliers, massive activations and attention sinks, read off one prefill through the hooks: the largest |x| of each
// residual-stream channel after the embedding and after every block, the largest single activations and the tokens
// they sit on, how far the largest stands above the typical one, and per layer and head the attention mass the
// queries put on the first token (a "sink"). L = layers, D = d_model, NH = heads, T = tokens.
import {prefill} from "../../engine/forward.ts";
import {addHook} from "../../engine/hooks/hooks.ts";
import {actName} from "../../engine/hooks/names.ts";
import type {Transformer} from "../../engine/index.ts";

export interface Activation {
  /** -1 for the embedding, else the block after which it was read */
  layer: number;
  channel: number;
  pos: number;
  value: number;
}

export interface OutlierReport {
  /** (L + 1, D): max |x| per channel, row 0 the embedding, row l + 1 after block l */
  channelMax: Float32Array;
  rows: number;
  cols: number;
  /** the largest |x| anywhere, largest first */
  top: Activation[];
  /** per row of channelMax: the largest |x| over the median |x| of that residual stream */
  ratio: Float32Array;
  /** (L, NH): mean attention on position 0 over the queries at positions 1.. */
  sink: Float32Array;
  heads: number;
}

function median(values: Float32Array): number {
  const sorted = Float32Array.from(values, Math.abs).sort();
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** tokens: at least 2 (the sink needs a query after the first token); topCount: how many largest activations */
export function outlierReport(model: Transformer, tokens: ArrayLike<number>, topCount = 10): OutlierReport {
  const {nLayers: L, dim: D, nHeads: NH} = model.config;
  if (tokens.length < 2) throw new Error(`invalid tokens: ${tokens.length} (an attention sink needs at least 2)`);
  const T = tokens.length;
  const streams: Float32Array[] = []; // L + 1 of (T, D)
  const sink = new Float32Array(L * NH);
  const removers = [
    addHook(model, actName("hook_embed"), (a) => void (streams[0] = a.slice())),
    ...Array.from({length: L}, (_, l) => [
      addHook(model, actName("hook_resid_post", l), (a) => void (streams[l + 1] = a.slice())),
      // pattern (NH, T, T): the mass query q puts on key 0, averaged over q = 1..T−1
      addHook(model, actName("attn.hook_pattern", l), (a) => {
        for (let h = 0; h < NH; h++) {
          let s = 0;
          for (let q = 1; q < T; q++) s += a[(h * T + q) * T]!;
          sink[l * NH + h] = s / (T - 1);
        }
      })
    ]).flat()
  ];
  try {
    prefill(model, tokens, 0);
  } finally {
    for (const remove of removers) remove();
  }
  const channelMax = new Float32Array((L + 1) * D);
  const ratio = new Float32Array(L + 1);
  // the topCount largest |x|, kept sorted as they are met (a real model's streams hold millions of values)
  const top: Activation[] = [];
  const keep = (a: Activation) => {
    if (top.length === topCount && Math.abs(a.value) <= Math.abs(top[topCount - 1]!.value)) return;
    let i = top.length;
    while (i > 0 && Math.abs(top[i - 1]!.value) < Math.abs(a.value)) i--;
    top.splice(i, 0, a);
    if (top.length > topCount) top.pop();
  };
  for (const [r, x] of streams.entries()) {
    let largest = 0;
    for (let t = 0; t < T; t++)
      for (let c = 0; c < D; c++) {
        const v = x[t * D + c]!;
        const m = Math.abs(v);
        if (m > channelMax[r * D + c]!) channelMax[r * D + c] = m;
        if (m > largest) largest = m;
        keep({layer: r - 1, channel: c, pos: t, value: v});
      }
    const typical = median(x);
    ratio[r] = typical > 0 ? largest / typical : 0;
  }
  return {channelMax, rows: L + 1, cols: D, top, ratio, sink, heads: NH};
}

// Attention-head scores on repeated random token sequences (as TransformerLens measures them): BOS, r_1..r_n,
// r_1..r_n. Previous-token score = mean attention from position t to t−1 (t ≥ 1); induction score = mean attention
// from a token in the repeat to the token after its first occurrence (t − n + 1). Chance is about 1/t.
import {forward} from "./forward.ts";
import {makeActivations, type TrainModel} from "./model.ts";
import {makeRng} from "./rng.ts";
import {BOS, EOS} from "../tokenizers/llama2c.ts";

export interface HeadScoreSpec {
  /** random sequences averaged over */
  sequences?: number;
  /** n, the length of the random part (the whole input is 2n+1 tokens) */
  length?: number;
  seed?: number;
  /** token ids the random parts are drawn from (e.g. the tokens the corpus uses) */
  pool: readonly number[];
}

export interface HeadScores {
  previousToken: number[][]; // (n_layers, n_heads)
  induction: number[][]; // (n_layers, n_heads)
}

export function headScores(
  model: TrainModel,
  {sequences = 16, length = 40, seed = 7, pool}: HeadScoreSpec
): HeadScores {
  const c = model.config;
  const T = 2 * length + 1;
  if (T > c.seqLen) throw new Error(`invalid length: ${length} (seqLen ${c.seqLen})`);
  const rng = makeRng(seed);
  const acts = makeActivations(model, sequences, T);
  for (let b = 0; b < sequences; b++) {
    const random = Array.from({length}, () => rng.pick(pool));
    acts.tokens.set([BOS, ...random, ...random], b * T);
  }
  forward(model, acts, sequences, T, false);
  const score = (l: number, h: number, from: number, to: (t: number) => number): number => {
    let sum = 0;
    for (let b = 0; b < sequences; b++) {
      const base = (b * c.nHeads + h) * T * T;
      for (let t = from; t < T; t++) sum += acts.layers[l]!.att[base + t * T + to(t)]!;
    }
    return sum / (sequences * (T - from));
  };
  const grid = (from: number, to: (t: number) => number): number[][] =>
    Array.from({length: c.nLayers}, (_, l) => Array.from({length: c.nHeads}, (_, h) => score(l, h, from, to)));
  return {previousToken: grid(1, (t) => t - 1), induction: grid(length + 1, (t) => t - length + 1)};
}

/** The ids a token stream uses, special tokens excluded, ascending: the pool random sequences are drawn from. */
export function tokenPool(stream: Int32Array): number[] {
  return [...new Set(stream)].filter((t) => t > EOS).sort((a, b) => a - b);
}

// Token streams and the windows cut from them: every story is encoded as llama2.c does (BOS, then the text with its
// dummy-prefix space) and the stories are concatenated, as llama2.c's TinyStories pretokenizer does.
import type {Rng} from "./rng.ts";
import {encode, type Tokenizer} from "../tokenizers/llama2c.ts";

export function tokenStream(tokenizer: Tokenizer, texts: readonly string[]): Int32Array {
  const ids: number[] = [];
  for (const text of texts) for (const id of encode(tokenizer, text, true, false)) ids.push(id);
  return Int32Array.from(ids);
}

/** Start offsets of the evaluation windows: consecutive, non-overlapping windows of T+1 tokens from the start. */
export function evalOffsets(stream: Int32Array, T: number, maxWindows: number): number[] {
  const count = Math.min(maxWindows, Math.floor((stream.length - 1) / T));
  return Array.from({length: count}, (_, i) => i * T);
}

/** Start offsets of B training windows drawn uniformly from the stream. */
export function randomOffsets(stream: Int32Array, T: number, B: number, rng: Rng): number[] {
  return Array.from({length: B}, () => rng.int(stream.length - T));
}

/** Fills tokens and targets (B·T,) with the windows at these offsets; targets are the tokens shifted by one. */
export function fillWindows(tokens: Int32Array, targets: Int32Array, stream: Int32Array, offsets: number[], T: number) {
  offsets.forEach((start, b) => {
    tokens.set(stream.subarray(start, start + T), b * T);
    targets.set(stream.subarray(start + 1, start + T + 1), b * T);
  });
}

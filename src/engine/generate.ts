// Generation as an async iterator: the prompt goes through prefill in chunks, then one decode step per token. It
// yields one step per position, gives the event loop a turn every few milliseconds (a page stays responsive), and
// stops with the AbortSignal's reason when aborted. Each forward call completes before the check, so the model is
// always in a consistent state and the next generate() starts cleanly at position 0.
import {forward, prefill} from "./forward.ts";
import {accept, sample, toSampler, type Sampler, type SamplerSpec} from "./sampler.ts";
import {BOS} from "../tokenizers/llama2c.ts";
import type {Transformer} from "./transformer.ts";

export interface GenerateOptions {
  /** token ids fed first (teacher forcing); usually encode(prompt) with BOS. At least one. */
  tokens: ArrayLike<number>;
  /** positions to run (default and maximum seq_len); beyond the given tokens, the next tokens are sampled */
  steps?: number;
  /** how to pick sampled tokens (default temperature 1, top-p 0.9, seed 42); each fed token is accepted into it */
  sampler?: SamplerSpec | Sampler;
  signal?: AbortSignal;
  /** stop when a sampled token is BOS, llama2.c's sequence delimiter (default true; ignored when stopAt is given) */
  stopAtBos?: boolean;
  /** the sampled tokens that end the sequence, e.g. a vocabulary's end-of-generation ids (default: stopAtBos) */
  stopAt?: (token: number) => boolean;
  /** give the event loop a turn at least this often (default 8 ms) */
  yieldEveryMs?: number;
  /** prompt tokens per prefill call (default 32) */
  prefillChunk?: number;
}

export interface GenerateStep {
  /** position just fed */
  pos: number;
  /** token fed at pos */
  token: number;
  /** logits (V,) after feeding pos: a view, valid until the iterator is resumed */
  logits: Float32Array;
  /** token for pos + 1: the given one while tokens last, else sampled */
  next: number;
  /** whether next came from the given tokens */
  forced: boolean;
  /** next ends the sequence (stopAt, or BOS with stopAtBos): next is not part of the text */
  end: boolean;
}

export async function* generate(model: Transformer, options: GenerateOptions): AsyncGenerator<GenerateStep> {
  const {tokens, signal, stopAtBos = true, yieldEveryMs = 8, prefillChunk = 32} = options;
  const {seqLen, vocabSize} = model.config;
  const steps = Math.min(options.steps ?? seqLen, seqLen);
  if (tokens.length === 0) throw new Error("no tokens to start from: pass at least one token (e.g. BOS = 1)");
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`invalid steps: ${options.steps} (must be >= 1)`);
  const sampler = options.sampler && "rng" in options.sampler ? options.sampler : toSampler(options.sampler);
  const ends = options.stopAt ?? ((token: number) => stopAtBos && token === BOS);
  const forcedCount = Math.min(tokens.length, steps);
  let lastYield = performance.now();
  const pause = async () => {
    if (performance.now() - lastYield < yieldEveryMs) return;
    await yieldToEventLoop();
    lastYield = performance.now();
  };

  let next = 0;
  // prompt: prefill in chunks, one step per position
  for (let pos0 = 0; pos0 < forcedCount; pos0 += prefillChunk) {
    signal?.throwIfAborted();
    const chunk = Array.from(tokens).slice(pos0, Math.min(pos0 + prefillChunk, forcedCount));
    const rows = prefill(model, chunk, pos0);
    for (let t = 0; t < chunk.length; t++) {
      const pos = pos0 + t;
      const logits = rows.subarray(t * vocabSize, (t + 1) * vocabSize);
      accept(sampler, chunk[t]!); // the prompt counts for the repeat penalty, as in llama.cpp
      const forced = pos + 1 < tokens.length;
      next = forced ? tokens[pos + 1]! : pickNext(model, sampler, logits);
      const end = !forced && ends(next);
      yield {pos, token: chunk[t]!, logits, next, forced, end};
      if (end) return;
    }
    await pause();
  }
  // continuation: one decode step per sampled token
  for (let pos = forcedCount; pos < steps; pos++) {
    signal?.throwIfAborted();
    const token = next;
    accept(sampler, token);
    const logits = forward(model, token, pos);
    next = pickNext(model, sampler, logits);
    const end = ends(next);
    yield {pos, token, logits, next, forced: false, end};
    if (end) return;
    await pause();
  }
}

function pickNext(model: Transformer, sampler: Sampler, logits: Float32Array): number {
  const prof = model.profiler;
  prof?.start();
  const token = sample(sampler, logits);
  prof?.lap("sampling", -1);
  return token;
}

/** Lets pending events run: setImmediate in Node, a MessageChannel round trip in browsers (no 4 ms timer clamp). */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as {setImmediate?: (fn: () => void) => void};
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

// A greedy continuation of a prompt, optionally with patch specs installed on the model for the whole run (prefill
// of the prompt and every decode step), so an intervention's effect on the text can be read next to the clean one.
import {addHook, generate, patchHooks, type PatchSpec, type Transformer} from "../../engine/index.ts";
import {tokenText, type TextSide} from "./tokens.ts";

export interface ContinuationOptions {
  /** tokens to generate after the prompt */
  steps: number;
  patches?: PatchSpec[];
  signal?: AbortSignal;
}

/**
 * A prompt and a continuation length that fit one context of `seqLen` positions: the continuation gets at most half
 * of it (a small model keeps room for its prompt), the prompt what is left, and both at least one token.
 */
export function fitPrompt(tokens: readonly number[], seqLen: number, steps: number): {tokens: number[]; steps: number} {
  const fitted = Math.max(1, Math.min(steps, Math.floor(seqLen / 2)));
  return {tokens: tokens.slice(0, Math.max(1, seqLen - fitted)), steps: fitted};
}

/** The run in flight on each model: a generation spans many event-loop turns with its hooks installed. */
const inFlight = new WeakMap<Transformer, Promise<unknown>>();

/**
 * The generated tokens as text (temperature 0: each step takes the most likely token), up to BOS or seq_len. Runs on
 * one model are queued, so a newer run starts only after an older (cancelled) one has removed its hooks.
 */
export function greedyContinuation(
  model: Transformer,
  tokenizer: TextSide,
  prompt: readonly number[],
  options: ContinuationOptions
): Promise<string[]> {
  const run = (inFlight.get(model) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => continuation(model, tokenizer, prompt, options));
  inFlight.set(model, run);
  return run;
}

async function continuation(
  model: Transformer,
  tokenizer: TextSide,
  prompt: readonly number[],
  {steps, patches = [], signal}: ContinuationOptions
): Promise<string[]> {
  signal?.throwIfAborted();
  const removers = patches.flatMap((p) => patchHooks(p, model.config.nLayers)).map(([n, fn]) => addHook(model, n, fn));
  const out: string[] = [];
  try {
    const run = generate(model, {tokens: prompt, steps: prompt.length + steps - 1, sampler: {temperature: 0}, signal});
    for await (const step of run) {
      if (step.forced || step.end) continue;
      out.push(tokenText(tokenizer, step.token, step.next));
    }
  } finally {
    for (const remove of removers.reverse()) remove();
  }
  return out;
}

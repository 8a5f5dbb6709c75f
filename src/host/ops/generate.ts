// generate: a prompt, then sampled tokens, streamed one event per position; profile: the same run (greedy by
// default) with the profiler on, returning where the time went. Both stop at the next position when cancelled.
import {BOS, encode, generate as engineGenerate, setProfiler, TextStream} from "../../engine/index.ts";
import type {HookFn} from "../../engine/index.ts";
import type {GenerateArgs, GenerateEvent, Generated, ProfileArgs, ProfileResult} from "../protocol.ts";
import {installHooks, requireModel, toTokens, type OpContext, type Session} from "../session.ts";
import type {QuantCounters} from "../../quant/index.ts";
import {quantProvider} from "./quant.ts";

export async function generate(
  session: Session,
  args: GenerateArgs<HookFn>,
  ctx: OpContext<GenerateEvent>
): Promise<Generated> {
  const loaded = requireModel(session);
  const {model, tokenizer} = loaded;
  const {prompt, steps, sampler, stopAtBos, yieldEveryMs, patches, hooks} = args ?? {};
  if (prompt !== undefined && typeof prompt !== "string") throw new Error(`invalid prompt: ${String(prompt)}`);
  const tokens =
    args?.tokens !== undefined ? toTokens(args.tokens) : prompt !== undefined ? encode(tokenizer, prompt) : [BOS];
  const V = model.config.vocabSize;
  const logits = args?.logits ? new Float32Array(Math.min(steps ?? Infinity, model.config.seqLen) * V) : null;
  const sequence: number[] = tokens.length ? [tokens[0]!] : [];
  const stream = new TextStream(tokenizer);
  let text = "";
  const remove = installHooks(loaded, {check: ctx.check, checksMidRun: false}, patches, hooks);
  let fed = 0;
  try {
    const run = engineGenerate(model, {tokens, steps, sampler, stopAtBos, yieldEveryMs, signal: ctx.signal});
    for await (const {pos, token, next, forced, end, logits: row} of run) {
      ctx.check();
      fed = pos + 1;
      logits?.set(row, pos * V);
      if (!end) sequence.push(next);
      const piece = end ? stream.flush() : stream.push(token, next);
      text += piece;
      ctx.emit({pos, token, next, forced, end, text: piece});
    }
  } finally {
    remove();
  }
  text += stream.flush();
  const result: Generated = {tokens: Int32Array.from(sequence), text, steps: fed};
  if (logits) result.logits = fed * V === logits.length ? logits : logits.slice(0, fed * V);
  return result;
}

export async function profile(
  session: Session,
  args: ProfileArgs,
  ctx: OpContext<GenerateEvent>
): Promise<ProfileResult> {
  const {model} = requireModel(session);
  const {tokens, prompt, steps = 32, sampler = {temperature: 0}} = args ?? {};
  const previous = model.profiler;
  const provider = quantProvider(session);
  const before = provider?.counters();
  const profiler = setProfiler(model, true)!;
  try {
    await generate(session, {tokens, prompt, steps, sampler, stopAtBos: false}, ctx);
  } finally {
    setProfiler(model, previous);
  }
  const after = provider?.counters();
  // the run's share of the provider's running totals
  const counters = before && after ? mapCounters(after, (key, value) => value - before[key]) : null;
  return {report: profiler.report(), counters};
}

const mapCounters = (c: QuantCounters, f: (key: keyof QuantCounters, value: number) => number) =>
  Object.fromEntries(
    Object.entries(c).map(([k, v]) => [k, f(k as keyof QuantCounters, v)])
  ) as unknown as QuantCounters;

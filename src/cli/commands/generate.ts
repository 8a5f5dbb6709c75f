// glassbox generate: prints the prompt and its continuation like run.c (with --user, a chat through the model's
// template: the reply only), or (--json) one JSON object with the tokens, speed and time split; --logits FILE writes
// float32 little-endian logits, row p = logits after feeding position p.
import {writeFile} from "node:fs/promises";
import {generate} from "../../engine/generate.ts";
import {setProfiler} from "../../engine/transformer.ts";
import type {Command} from "../command.ts";
import {fitToContext} from "../context.ts";
import {applyNumerics, loadModelFor, requireText} from "../load-model.ts";
import {toModelOptions, type RawOptions} from "../options.ts";
import type {ChatMessage} from "../../tokenizers/chat.ts";
import type {TextCodec} from "../../tokenizers/text.ts";
import {refuseSameFile} from "../paths.ts";
import {simulatedNoteLines} from "../simulated.ts";

/** --user (and --system) as a conversation, or null; refused beside --prompt or --tokens */
function chatMessages(raw: RawOptions): ChatMessage[] | null {
  const {user, system} = raw as Record<string, string | undefined>;
  if (user === undefined) {
    if (system !== undefined) throw new Error("invalid system: --system needs --user");
    return null;
  }
  if (raw.prompt !== undefined || raw.tokens !== undefined)
    throw new Error("invalid user: give --user (a chat) or --prompt/--tokens, not both");
  return [...(system === undefined ? [] : [{role: "system", content: system}]), {role: "user", content: user}];
}

function chatIds(codec: TextCodec, messages: ChatMessage[], source: string): number[] {
  if (!codec.chat)
    throw new Error(`invalid user: ${source} has no chat template (tokenizer.chat_template); use --prompt`);
  return codec.chat(messages);
}

/** prefill (the prompt's positions, from the start) and decode (each new token after the prompt) measured apart */
function phaseSpeeds(positions: number, prompted: number, at: {start: number; prefillEndAt: number; end: number}) {
  const prefillTokens = Math.min(prompted, positions);
  const decodeTokens = positions - prefillTokens;
  const prefillMs = at.prefillEndAt - at.start;
  const decodeMs = decodeTokens > 0 ? at.end - at.prefillEndAt : 0;
  return {
    prefillTokens,
    decodeTokens,
    prefillMs,
    decodeMs,
    prefillTokPerSec: prefillMs > 0 ? prefillTokens / (prefillMs / 1000) : null,
    decodeTokPerSec: decodeTokens > 0 && decodeMs > 0 ? decodeTokens / (decodeMs / 1000) : null
  };
}

/** run.c's default number of steps for a text prompt */
const DEFAULT_STEPS = 256;

export const generateCommand: Command = {
  name: "generate",
  summary: "generate text from a prompt, or feed exact tokens and write their logits",
  modelOptions: true,
  options: [
    {name: "logits", type: "string", arg: "FILE", help: "write float32 logits (steps × vocab) to FILE"},
    {
      name: "user",
      type: "string",
      arg: "TEXT",
      help: "a user message through the model's chat template; prints the reply"
    },
    {name: "system", type: "string", arg: "TEXT", help: "a system message before --user"}
  ],
  async run(raw, io) {
    const options = toModelOptions(raw);
    const logitsPath = raw.logits as string | undefined;
    refuseSameFile({model: options.model, tokenizer: options.tokenizer}, {logits: logitsPath});
    const running = await loadModelFor(options);
    const {model} = running;
    try {
      for (const line of applyNumerics(running, options)) io.err(line);
      for (const line of simulatedNoteLines(model.config, options.quant)) io.err(line);
      const {seqLen, vocabSize} = model.config;
      const chat = chatMessages(raw);
      const codec = options.tokens ? running.text : requireText(running, chat ? "--user" : "--prompt");
      const tokens =
        options.tokens ?? (chat ? chatIds(codec!, chat, running.source) : codec!.encode(options.prompt ?? ""));
      const fallback = options.tokens ? tokens.length : DEFAULT_STEPS;
      const {steps, notes} = fitToContext(tokens.length, options.steps, fallback, seqLen);
      for (const note of notes) io.err(`note: ${note}\n`);
      const profiler = options.json ? setProfiler(model, true) : null;
      const logits = logitsPath ? new Float32Array(steps * vocabSize) : null;
      const text = codec?.stream() ?? {push: (_: number, next: number) => ` ${next}`, flush: () => ""};
      const sequence = [tokens[0]!];
      let printed = "";
      let firstStepAt = 0;
      let prefillEndAt = 0;
      let positions = 0;
      const prompted = Math.min(tokens.length, steps);
      const start = performance.now();
      for await (const step of generate(model, {
        tokens,
        steps,
        sampler: options.sampler,
        stopAt: codec?.isEnd ?? (() => false) // without a tokenizer, no id is known to end the text
      })) {
        if (step.pos === 0) firstStepAt = performance.now();
        if (step.pos === prompted - 1) prefillEndAt = performance.now();
        positions = step.pos + 1;
        logits?.set(step.logits, step.pos * vocabSize);
        if (step.end) break;
        sequence.push(step.next);
        const piece = text.push(step.token, step.next);
        if (chat && step.forced) continue; // a chat prints the reply, not the template's rendering of the prompt
        printed += piece;
        if (!options.json) io.out(piece);
      }
      printed += text.flush();
      const end = performance.now();
      if (logitsPath && logits) {
        const bytes = new Uint8Array(logits.buffer, 0, positions * vocabSize * 4);
        await writeFile(logitsPath, bytes);
      }
      // like run.c, the clock for tok/s starts after the first position
      const tokPerSec = positions > 1 ? (positions - 1) / ((end - firstStepAt) / 1000) : 0;
      if (!options.json) {
        io.out("\n");
        io.err(`achieved tok/s: ${tokPerSec.toFixed(1)} (${running.backend})\n`);
        return;
      }
      const report = profiler!.report();
      const speed = phaseSpeeds(positions, prompted, {start, prefillEndAt, end});
      io.out(
        JSON.stringify({
          tokens: sequence,
          text: printed,
          positions,
          forced: Math.min(tokens.length, positions),
          tokPerSec,
          ...speed,
          msPerToken: (end - start) / positions,
          totalMs: end - start,
          timeSplitMs: report.byCategory,
          timerResolutionMs: report.timerResolutionMs,
          threads: running.threads,
          kernels: running.backend,
          matrices: model.matrices.kind,
          notes
        }) + "\n"
      );
    } finally {
      running.close();
    }
  }
};

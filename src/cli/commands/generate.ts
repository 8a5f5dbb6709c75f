// glassbox generate: prints the prompt and its continuation like run.c, or (--json) one JSON object with the tokens,
// speed and time split; --logits FILE writes float32 little-endian logits, row p = logits after feeding position p.
import {writeFile} from "node:fs/promises";
import {generate} from "../../engine/generate.ts";
import {setQuant} from "../../quant/provider.ts";
import {setProfiler} from "../../engine/transformer.ts";
import {encode, TextStream} from "../../tokenizers/llama2c.ts";
import type {Command} from "../command.ts";
import {fitToContext} from "../context.ts";
import {loadModelFor} from "../load-model.ts";
import {toModelOptions} from "../options.ts";
import {refuseSameFile} from "../paths.ts";
import {simulatedNoteLines} from "../simulated.ts";

/** run.c's default number of steps for a text prompt */
const DEFAULT_STEPS = 256;

export const generateCommand: Command = {
  name: "generate",
  summary: "generate text from a prompt, or feed exact tokens and write their logits",
  modelOptions: true,
  options: [{name: "logits", type: "string", arg: "FILE", help: "write float32 logits (steps × vocab) to FILE"}],
  async run(raw, io) {
    const options = toModelOptions(raw);
    const logitsPath = raw.logits as string | undefined;
    refuseSameFile({model: options.model, tokenizer: options.tokenizer}, {logits: logitsPath});
    const running = await loadModelFor(options);
    const {model, tokenizer} = running;
    try {
      if (options.quant) setQuant(model, options.quant);
      for (const line of simulatedNoteLines(model.config, options.quant)) io.err(line);
      const {seqLen, vocabSize} = model.config;
      const tokens = options.tokens ?? encode(tokenizer, options.prompt ?? "");
      const fallback = options.tokens ? tokens.length : DEFAULT_STEPS;
      const {steps, notes} = fitToContext(tokens.length, options.steps, fallback, seqLen);
      for (const note of notes) io.err(`note: ${note}\n`);
      const profiler = options.json ? setProfiler(model, true) : null;
      const logits = logitsPath ? new Float32Array(steps * vocabSize) : null;
      const text = new TextStream(tokenizer);
      const sequence = [tokens[0]!];
      let printed = "";
      let firstStepAt = 0;
      let positions = 0;
      const start = performance.now();
      for await (const step of generate(model, {
        tokens,
        steps,
        sampler: options.sampler
      })) {
        if (step.pos === 0) firstStepAt = performance.now();
        positions = step.pos + 1;
        logits?.set(step.logits, step.pos * vocabSize);
        if (step.end) break;
        sequence.push(step.next);
        const piece = text.push(step.token, step.next);
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
      io.out(
        JSON.stringify({
          tokens: sequence,
          text: printed,
          positions,
          forced: Math.min(tokens.length, positions),
          tokPerSec,
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

// "Try it" in Bring your own model (issue 27, item 17): the prompt, its top next tokens and a greedy continuation
// for models whose context is shorter than the 40 tokens the cell continues by (it sliced seqLen - 40, which is
// empty or negative there, and crashed).
import {describe, expect, it} from "vitest";
import {byteTokenizer, SEEDED_CONFIG, seededCheckpoint} from "../../src/engine/default-model.ts";
import {encode, forward, toConfig} from "../../src/engine/index.ts";
import {loadModelFromBytes} from "../../src/engine/load.ts";
import {fitPrompt, greedyContinuation, topTokens} from "../../src/lessons/common/index.ts";

const PROMPT = "Once upon a time there was a little dog who liked to run.";

describe("fitPrompt(tokens, seqLen, steps)", () => {
  for (const seqLen of [2, 8, 32, 40, 41, 256]) {
    it(`seq_len ${seqLen}: the prompt's top tokens and a continuation fit in the context`, async () => {
      const config = toConfig({...SEEDED_CONFIG, seqLen});
      const {model, tokenizer} = loadModelFromBytes(seededCheckpoint(1, config), byteTokenizer());
      const encoded = encode(tokenizer, PROMPT);
      const {tokens, steps} = fitPrompt(encoded, seqLen, 40);
      expect(tokens.length).toBeGreaterThanOrEqual(1);
      expect(steps).toBeGreaterThanOrEqual(1);
      expect(tokens.length + steps).toBeLessThanOrEqual(Math.max(seqLen, 2));
      expect(tokens).toEqual(encoded.slice(0, tokens.length));
      let last: Float32Array | undefined;
      for (let pos = 0; pos < tokens.length; pos++) last = forward(model, tokens[pos]!, pos);
      expect(topTokens(tokenizer, tokens.at(-1)!, last!, 8)).toHaveLength(8);
      const words = await greedyContinuation(model, tokenizer, tokens, {steps});
      expect(words.length).toBeLessThanOrEqual(steps);
    });
  }
  it("a long context keeps the whole prompt and the 40 tokens asked for", () => {
    expect(fitPrompt([1, 2, 3], 256, 40)).toEqual({tokens: [1, 2, 3], steps: 40});
  });
});

import {expect, it} from "vitest";
import {forward, prefill} from "../../src/engine/forward.ts";
import {generate} from "../../src/engine/generate.ts";
import {encode, TextStream} from "../../src/tokenizers/llama2c.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures} from "../helpers/fixtures.ts";
import {CASES, loadCase, LOGITS_ATOL, readCase} from "./helpers.ts";

describeWithFixtures("llama2c", "engine against llama2.c run.c", () => {
  for (const name of CASES) {
    const {json, logits} = readCase(name);
    const V = json.logits_shape[1];

    it(`encode(tokenizer, ${JSON.stringify(json.prompt)}) equals run.c's prompt_tokens (${name})`, async () => {
      const {tokenizer} = await loadCase(json);
      expect(encode(tokenizer, json.prompt)).toEqual(json.prompt_tokens);
    });

    it(`forward(model, token, pos) matches every logits row of ${name} (teacher forcing)`, async () => {
      const {model} = await loadCase(json);
      for (let p = 0; p < json.steps; p++)
        expectClose(
          forward(model, json.input_tokens[p]!, p),
          logits.subarray(p * V, (p + 1) * V),
          {atol: LOGITS_ATOL},
          `row ${p}`
        );
    });

    it(`prefill(model, tokens) matches every logits row of ${name}`, async () => {
      const {model} = await loadCase(json);
      const rows = prefill(model, json.input_tokens);
      for (let p = 0; p < json.steps; p++)
        expectClose(
          rows.subarray(p * V, (p + 1) * V),
          logits.subarray(p * V, (p + 1) * V),
          {atol: LOGITS_ATOL},
          `row ${p}`
        );
    });
  }

  it("generate(model, {tokens, steps, sampler: greedy}) prints stories260K's stdout_text", async () => {
    const {json} = readCase("stories260K-once-upon");
    const {model, tokenizer} = await loadCase(json);
    const text = new TextStream(tokenizer);
    let out = "";
    for await (const step of generate(model, {
      tokens: json.prompt_tokens,
      steps: json.steps,
      sampler: {temperature: 0}
    })) {
      if (step.end) break;
      out += text.push(step.token, step.next);
    }
    expect(out + text.flush()).toBe(json.stdout_text);
  });
});

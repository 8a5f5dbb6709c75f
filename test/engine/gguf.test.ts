// The engine on GGUF files written by llama.cpp's own tools, against the logits libllama computes for them
// (../shared/fixtures/gguf, llama.cpp c392e5094). F32 files with float32 activations must agree within MAX_ERR_F32 at
// every position; quantized files with float32 activations differ by what llama.cpp's quantized activations cost,
// which is printed per file, not asserted (the llama.cpp activation mode is checked in gguf-act.test.ts).
import {describe, expect, it} from "vitest";
import {prefill} from "../../src/engine/index.ts";
import {expectClose, maxAbsDiff} from "../helpers/expect-close.ts";
import {describeWithFixtures} from "../helpers/fixtures.ts";
import {fixtureLogits, openGgufFixture, QUANTIZED_GGUF_FIXTURES} from "../helpers/gguf-fixtures.ts";

/** F32 weights, float32 activations vs llama.cpp: only float32 summation order differs (measured 7e-6 at worst). */
const MAX_ERR_F32 = 1e-4;

const F32_FILES = ["stories260K.f32", "rand-256.f32"];
const QUANTIZED_FILES = QUANTIZED_GGUF_FIXTURES;

describeWithFixtures("gguf", "loadGgufModel(source) on llama.cpp's files", () => {
  for (const stem of F32_FILES)
    it(`prefill(${stem}, tokens) gives llama.cpp's logits within MAX_ERR_F32 at every position`, async () => {
      const {model} = await openGgufFixture(`${stem}.gguf`);
      const {tokens, logits, V} = fixtureLogits(stem);
      const out = prefill(model, tokens);
      for (let p = 0; p < tokens.length; p++)
        expectClose(
          out.subarray(p * V, (p + 1) * V),
          logits.subarray(p * V, (p + 1) * V),
          {atol: MAX_ERR_F32},
          `pos ${p}`
        );
    });

  it("forward one token at a time gives the prefill's logits (the KV cache path)", async () => {
    const {model} = await openGgufFixture("rand-256.f32.gguf");
    const {tokens, logits, V} = fixtureLogits("rand-256.f32");
    const {forward} = await import("../../src/engine/index.ts");
    for (let p = 0; p < tokens.length; p++)
      expectClose(forward(model, tokens[p]!, p), logits.subarray(p * V, (p + 1) * V), {atol: MAX_ERR_F32}, `pos ${p}`);
  });

  describe("quantized files with float32 activations: the difference to llama.cpp is the activations' share", () => {
    for (const stem of QUANTIZED_FILES)
      it(`prefill(${stem}) runs; max |Δ| vs llama.cpp printed`, async () => {
        const {model, types} = await openGgufFixture(`${stem}.gguf`);
        const {tokens, logits} = fixtureLogits(stem);
        const out = prefill(model, tokens);
        const diff = maxAbsDiff(out, logits);
        console.log(`${stem} (${types}), fp32 activations: max |Δ| vs llama.cpp = ${diff.toExponential(3)}`);
        // not the lesson's number, a sanity bound: a wrong decoding or layout is off by whole units
        expect(diff).toBeLessThan(0.5);
      });
  });

  it("ctx sizes the KV cache, not llama.context_length", async () => {
    const {model} = await openGgufFixture("rand-256.f32.gguf", 20);
    expect(model.config.seqLen).toBe(20);
    expect(model.state.keyCache.length).toBe(2 * 20 * 128);
    const dflt = await openGgufFixture("rand-256.f32.gguf");
    expect(dflt.model.config.seqLen).toBe(128);
  });

  it("a tied file (no output.weight) shares token_embd as the classifier", async () => {
    const {model} = await openGgufFixture("rand-256-tied.q8_0.gguf");
    expect(model.config.sharedClassifier).toBe(true);
    expect(model.weights.wcls).toBe(model.weights.tokEmbeddings);
  });
});

import {describe, expect, it} from "vitest";
import {loadDefaultModel} from "../../src/engine/default-model.ts";
import {forward, prefill} from "../../src/engine/forward.ts";
import {generate} from "../../src/engine/generate.ts";
import {Rng} from "../../src/engine/rng.ts";
import {argmax, sample, toSampler} from "../../src/engine/sampler.ts";
import {decode, encode, readTokenizer} from "../../src/tokenizers/llama2c.ts";
import {byteTokenizer} from "../../src/engine/default-model.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** decode with the KV cache vs one batched prefill: the same float32 math in another order */
const KV_PARITY_ATOL = 1e-5;

const tokens = [1, 35, 76, 107, 114, 124, 35, 104, 118, 119, 103, 112, 103, 35, 100, 35, 119, 108, 112, 104];

async function collect(iterable: AsyncIterable<{next: number}>): Promise<number[]> {
  const out: number[] = [];
  for await (const step of iterable) out.push(step.next);
  return out;
}

describe("forward and prefill", () => {
  it("forward(model, token, pos) step by step equals prefill(model, tokens)", () => {
    const {model} = loadDefaultModel();
    const V = model.config.vocabSize;
    const batched = prefill(model, tokens).slice();
    for (let p = 0; p < tokens.length; p++)
      expectClose(
        forward(model, tokens[p]!, p),
        batched.subarray(p * V, (p + 1) * V),
        {atol: KV_PARITY_ATOL},
        `row ${p}`
      );
  });

  it("prefill(model, prefix) then prefill(model, rest, pos0) equals one prefill of everything", () => {
    const {model} = loadDefaultModel();
    const whole = prefill(model, tokens).slice();
    prefill(model, tokens.slice(0, 7));
    const rest = prefill(model, tokens.slice(7), 7);
    expectClose(rest, whole.subarray(7 * model.config.vocabSize), {atol: KV_PARITY_ATOL});
  });
});

describe("generate", () => {
  it("generate(model, {tokens, steps}) forces the given tokens, then samples up to steps", async () => {
    const {model} = loadDefaultModel();
    const steps = [];
    for await (const s of generate(model, {
      tokens: tokens.slice(0, 5),
      steps: 12,
      sampler: {temperature: 0},
      stopAtBos: false
    }))
      steps.push({...s, logits: s.logits.slice()});
    expect(steps.map((s) => s.pos)).toEqual([...Array(12).keys()]);
    expect(steps.slice(0, 4).map((s) => s.next)).toEqual(tokens.slice(1, 5));
    expect(steps.map((s) => s.forced)).toEqual([true, true, true, true, ...Array(8).fill(false)]);
    for (const s of steps.slice(4)) expect(s.next).toBe(argmax(s.logits));
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.token).toBe(steps[i - 1]!.next);
  });

  it("generate(model, {signal}) stops when aborted and leaves the model usable", async () => {
    const {model} = loadDefaultModel();
    const options = {tokens: [1, 35], steps: 40, sampler: {temperature: 0.8, seed: 7}, stopAtBos: false};
    const reference = await collect(generate(loadDefaultModel().model, options));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = async () => {
      for await (const step of generate(model, {...options, signal: controller.signal})) {
        seen.push(step.next);
        if (seen.length === 10) controller.abort();
      }
    };
    await expect(run()).rejects.toThrow(/abort/i);
    expect(seen).toEqual(reference.slice(0, 10));
    expect(await collect(generate(model, options))).toEqual(reference);
  });

  it("generate(model, options) gives the event loop turns while it runs", async () => {
    const {model} = loadDefaultModel();
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await collect(generate(model, {tokens: [1], steps: 30, yieldEveryMs: 0, stopAtBos: false}));
    running = false;
    expect(ticks).toBeGreaterThanOrEqual(29);
  });
});

describe("sampling", () => {
  it("new Rng(seed).nextU32() follows run.c's xorshift* (checked against BigInt arithmetic)", () => {
    const M = (1n << 64n) - 1n;
    let s = 42n;
    const rng = new Rng(42);
    for (let i = 0; i < 1000; i++) {
      s ^= s >> 12n;
      s = (s ^ (s << 25n)) & M;
      s ^= s >> 27n;
      expect(rng.nextU32()).toBe(Number(((s * 0x2545f4914f6cdd1dn) & M) >> 32n));
    }
  });

  it("sample(sampler, logits) is argmax at temperature 0 and reproducible for a seed", () => {
    const logits = Float32Array.of(0.1, 2, 0.5, 1.9);
    expect(sample(toSampler({temperature: 0}), logits)).toBe(1);
    const draws = (seed: number) => {
      const s = toSampler({temperature: 1, topP: 1, seed});
      return Array.from({length: 50}, () => sample(s, logits));
    };
    expect(draws(3)).toEqual(draws(3));
    expect(new Set(draws(3)).size).toBeGreaterThan(2);
    expect(Array.from(logits)).toEqual([0.1, 2, 0.5, 1.9].map(Math.fround));
  });

  it("toSampler(spec) refuses bad values", () => {
    expect(() => toSampler({temperature: -1})).toThrow("invalid temperature: -1");
    expect(() => toSampler({topP: 0})).toThrow("invalid top-p: 0");
    expect(() => toSampler({seed: 0})).toThrow("invalid seed: 0");
  });
});

describe("byte-level tokenizer", () => {
  const tok = readTokenizer(byteTokenizer());
  it("encode(tok, text) is BOS, the dummy-prefix space, then each UTF-8 byte + 3", () => {
    expect(encode(tok, "hé")).toEqual([1, 35, 104 + 3, 0xc3 + 3, 0xa9 + 3]);
    expect(encode(tok, "")).toEqual([1]);
    expect(encode(tok, "a", false, true)).toEqual([35, 100, 2]);
  });
  it("decode(tok, encode(tok, text)) gives the text back (the space after BOS is dropped, like run.c)", () => {
    const text = "Grüße, 世界!\n";
    expect(decode(tok, encode(tok, text))).toBe(text);
  });
});

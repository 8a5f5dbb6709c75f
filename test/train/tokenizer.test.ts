import {describe, expect, it} from "vitest";
import {BOS, decode, encode, readTokenizer} from "../../src/tokenizers/llama2c.ts";
import {engineTokenizer, makeCorpus, tokenizerBin, toBpeSpec, trainBpe} from "../../src/train/index.ts";

const corpus = makeCorpus({seed: 3, trainStories: 300, valStories: 30});
const tokenizer = trainBpe(corpus.train, {vocabSize: 400});
const engine = engineTokenizer(tokenizer);
const ODD_TEXTS = ["", "x", "  two  spaces", "Zoë said: «héllo» 🙂\nnew line\n\nend", "Once upon a time, there was"];
const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe("BPE tokenizer in llama2.c format", () => {
  it("trainBpe(texts, {vocabSize}) fills the vocab with unique pieces that never cross a word boundary", () => {
    expect(tokenizer.pieces.length).toBe(400);
    expect(new Set(tokenizer.pieces).size).toBe(400);
    for (const piece of tokenizer.pieces.slice(259)) expect(piece).toMatch(/^(?: ?[A-Za-z]+| ?[^A-Za-z\s]+|\n+)$/);
    expect(tokenizer.scores[259]).toBe(-0);
    expect(tokenizer.scores[399]).toBe(-140);
  });

  it("trainBpe(texts) is deterministic", () => {
    expect(trainBpe(corpus.train, {vocabSize: 400}).pieces).toEqual(tokenizer.pieces);
  });

  it("tokenizerBin(tokenizer) is read back by the engine unchanged, byte pieces at 3 + b as run.c's byte fallback", () => {
    const read = readTokenizer(tokenizerBin(tokenizer));
    expect(read.pieces.map(binary)).toEqual(tokenizer.pieces);
    expect(Array.from(read.scores)).toEqual(Array.from(tokenizer.scores));
    expect(binary(read.pieces[3 + 0x61]!)).toBe("a");
    expect(binary(read.pieces[3 + 0x0a]!)).toBe("\n");
    expect(binary(read.pieces[3 + 0xc3]!)).toBe("<0xC3>");
  });

  it("run.c's encode (the engine's) applies the merges: whole words of held-out stories become single tokens", () => {
    const text = corpus.val.find((s) => s.includes(" said "))!;
    const ids = encode(engine, text, true, false);
    expect(text.length / ids.length).toBeGreaterThan(2); // 1 without merges
    expect(ids).toContain(engine.lookup.get(" said"));
  });

  it("decode(engine, encode(engine, text)) gives the text back, odd text included", () => {
    for (const text of [...corpus.val.slice(0, 5), ...ODD_TEXTS]) {
      const ids = encode(engine, text, true, false);
      expect(ids[0]).toBe(BOS);
      expect(decode(engine, ids)).toBe(text);
    }
  });

  it("toBpeSpec(spec) rejects a vocab too small for the 259 base tokens", () => {
    expect(() => toBpeSpec({vocabSize: 100})).toThrow("invalid vocabSize: 100");
  });
});

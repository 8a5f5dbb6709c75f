import {describe, expect, it} from "vitest";
import {
  decode as engineDecode,
  encode as engineEncode,
  readTokenizer,
  writeTokenizer
} from "../../src/engine/tokenizer.ts";
import {BOS, encode, makeCorpus, makeEncoder, pieceBytes, toBpeSpec, trainBpe} from "../../src/train/index.ts";

const corpus = makeCorpus({seed: 3, trainStories: 300, valStories: 30});
const tokenizer = trainBpe(corpus.train, {vocabSize: 400});
const encoder = makeEncoder(tokenizer);
const engineTokenizer = readTokenizer(writeTokenizer(pieceBytes(tokenizer), tokenizer.scores));
const ODD_TEXTS = ["", "x", "  two  spaces", "Zoë said: «héllo» 🙂\nnew line\n\nend", "Once upon a time, there was"];

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

  it("encode(encoder, text, bos, eos) gives the ids of run.c's encode (the engine's port) for stories and odd text", () => {
    for (const text of [...corpus.val, ...ODD_TEXTS]) {
      expect(encode(encoder, text, true, false)).toEqual(engineEncode(engineTokenizer, text, true, false));
    }
    expect(encode(encoder, "hi", false, true)).toEqual(engineEncode(engineTokenizer, "hi", false, true));
  });

  it("the engine decodes our ids back to the text, and reads our tokenizer.bin unchanged", () => {
    for (const text of [...corpus.val.slice(0, 5), ...ODD_TEXTS]) {
      const ids = encode(encoder, text, true, false);
      expect(ids[0]).toBe(BOS);
      expect(engineDecode(engineTokenizer, ids)).toBe(text);
    }
    expect(Array.from(engineTokenizer.scores)).toEqual(Array.from(tokenizer.scores));
    expect(engineTokenizer.pieces).toEqual(pieceBytes(tokenizer));
  });

  it("toBpeSpec(spec) rejects a vocab too small for the 259 base tokens", () => {
    expect(() => toBpeSpec({vocabSize: 100})).toThrow("invalid vocabSize: 100");
  });
});

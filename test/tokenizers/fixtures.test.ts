import {beforeAll, describe, expect, it} from "vitest";
import type {GgufFile} from "../../src/model-files/gguf/index.ts";
import {tokenizerFromGguf} from "../../src/tokenizers/gguf-vocab.ts";
import {hfTokenizer} from "../../src/tokenizers/hf.ts";
import type {Tokenizer} from "../../src/tokenizers/tokenizer.ts";
import {describeWithFixtures} from "../helpers/fixtures.ts";
import {
  LLAMA_CONFIG,
  VOCABS,
  gpt2TokenizerJson,
  llamaTokenizerJson,
  readVocab,
  vocabCases,
  type VocabName
} from "./vocab-fixtures.ts";

/** tokenizer.json as a file would hold it (through JSON text, so nothing but JSON survives) */
function hfRoute(name: VocabName, gguf: GgufFile): Tokenizer {
  const json = name === "gpt-2" ? gpt2TokenizerJson(gguf) : llamaTokenizerJson(gguf);
  const config = name === "gpt-2" ? undefined : LLAMA_CONFIG;
  return hfTokenizer({tokenizer: JSON.parse(JSON.stringify(json)), config});
}

describeWithFixtures("tokenizers", "llama.cpp's tokenizer vectors (test-tokenizer-0)", () => {
  for (const name of VOCABS) {
    describe(`ggml-vocab-${name}`, () => {
      const cases = vocabCases(name);
      let gguf: Tokenizer;
      let hf: Tokenizer;
      beforeAll(async () => {
        const file = await readVocab(name);
        gguf = tokenizerFromGguf(file.metadata);
        hf = hfRoute(name, file);
      });

      it("has the vectors (46 strings)", () => {
        expect(cases.length).toBe(46);
      });

      it("GGUF route: every string gives exactly llama.cpp's ids (add_special and parse_special off)", () => {
        for (const {text, ids} of cases)
          expect(gguf.encode(text, {addSpecial: false}), JSON.stringify(text)).toEqual(ids);
      });

      it("tokenizer.json route: every string gives the same ids", () => {
        for (const {text, ids} of cases)
          expect(hf.encode(text, {addSpecial: false}), JSON.stringify(text)).toEqual(ids);
      });

      it("decoding the ids gives the input back (both routes; no clean-up of spaces)", () => {
        for (const {text, ids} of cases) {
          expect(gguf.decode(ids, {cleanSpaces: false}), JSON.stringify(text)).toBe(text);
          expect(hf.decode(ids, {cleanSpaces: false}), JSON.stringify(text)).toBe(text);
        }
      });
    });
  }

  it("gpt-2: no BOS added, llama.cpp's clean_spaces on by default; llama-spm: BOS 1 added, space prefix", async () => {
    const gpt2 = tokenizerFromGguf((await readVocab("gpt-2")).metadata);
    const llama = tokenizerFromGguf((await readVocab("llama-spm")).metadata);
    expect(gpt2.addBos).toBe(false);
    expect(gpt2.encode("Hello world")).toEqual(gpt2.encode("Hello world", {addSpecial: false}));
    expect(gpt2.decode(gpt2.encode("Hi , there ?"))).toBe("Hi, there?");
    expect(gpt2.eog.has(50256)).toBe(true);
    expect(llama.addBos).toBe(true);
    expect(llama.encode("Hello")).toEqual([1, ...llama.encode("Hello", {addSpecial: false})]);
    // llama.cpp keeps the prefix space when it drops a BOS (remove_space = false), and strips it otherwise
    expect(llama.decode(llama.encode("Hello"), {removeSpecial: true})).toBe(" Hello");
    expect(llama.decode(llama.encode("Hello"))).toBe("<s> Hello");
    expect(llama.decode(llama.encode("Hello", {addSpecial: false}))).toBe("Hello");
    expect([...llama.eog]).toEqual([2]);
  });

  it("special text is plain text unless parse_special; then it is the one token", async () => {
    const gpt2 = tokenizerFromGguf((await readVocab("gpt-2")).metadata);
    const llama = tokenizerFromGguf((await readVocab("llama-spm")).metadata);
    expect(gpt2.encode("a<|endoftext|>b", {parseSpecial: true})).toEqual([64, 50256, 65]);
    expect(gpt2.encode("a<|endoftext|>b")).not.toContain(50256);
    // SentencePiece: the fragment after a special token gets its own space prefix, as in llama.cpp
    const ids = llama.encode("<s>Hi</s>", {addSpecial: false, parseSpecial: true});
    expect(ids[0]).toBe(1);
    expect(ids.at(-1)).toBe(2);
    expect(ids.slice(1, -1)).toEqual(llama.encode("Hi", {addSpecial: false}));
    expect(llama.encode("<s>", {addSpecial: false})).not.toContain(1);
  });
});

import {describe, expect, it} from "vitest";
import {ggufTokenizer} from "../../src/tokenizers/gguf-vocab.ts";
import {hfTokenizer, toJsRegex} from "../../src/tokenizers/hf.ts";
import {ATTR} from "../../src/tokenizers/tokenizer.ts";
import {byteId, byteLevelMetadata, byteLevelTokenizer, meta} from "./synthetic.ts";

describe("ggufTokenizer(metadata): llama.cpp's load rules", () => {
  it("refuses unknown and unsupported tokenizer models by name, and a gpt2 vocabulary without merges", () => {
    expect(() => ggufTokenizer(meta({"tokenizer.ggml.model": "wordpiece2"}))).toThrow(
      /unknown tokenizer: 'wordpiece2'/
    );
    expect(() => ggufTokenizer(meta({"tokenizer.ggml.model": "t5"}))).toThrow(
      /unsupported tokenizer: 't5' \(Unigram\)/
    );
    expect(() => ggufTokenizer(meta({}))).toThrow(/no tokenizer.ggml.model/);
    const noMerges = byteLevelMetadata([], {"tokenizer.ggml.merges": undefined});
    expect(() => ggufTokenizer(meta(noMerges))).toThrow(/tokenizer.ggml.merges/);
    const badPre = byteLevelMetadata([], {"tokenizer.ggml.pre": "gpt-5"});
    expect(() => ggufTokenizer(meta(badPre))).toThrow(/unknown pre-tokenizer type: 'gpt-5'/);
  });

  it("merges by rank and keeps the split of its pre-type", () => {
    const tok = byteLevelTokenizer([]);
    expect(tok.encode("Hi the", {addSpecial: false})).toEqual([tok.id("Hi"), tok.id("Ġthe")]);
    // qwen2 splits digits one by one
    expect(tok.encode("12", {addSpecial: false})).toEqual([byteId("1"), byteId("2")]);
  });

  it("BOS/EOS: the pre-type's default (llama-bpe adds BOS), then the file's add_bos_token/add_eos_token", () => {
    const extra = {"tokenizer.ggml.bos_token_id": 260, "tokenizer.ggml.eos_token_id": 261};
    const llama3 = byteLevelTokenizer(["<s>", "</s>"], {...extra, "tokenizer.ggml.pre": "llama-bpe"});
    expect(llama3.encode("Hi")).toEqual([260, llama3.id("Hi")]);
    const both = byteLevelTokenizer(["<s>", "</s>"], {
      ...extra,
      "tokenizer.ggml.add_bos_token": false,
      "tokenizer.ggml.add_eos_token": true
    });
    expect(both.encode("Hi")).toEqual([both.id("Hi"), 261]);
    expect(both.decode(both.encode("Hi"), {removeSpecial: true})).toBe("Hi");
  });

  it("end of generation: EOS, and end-of-turn texts made control tokens even when typed normal", () => {
    const m = byteLevelMetadata(["<|endoftext|>"], {"tokenizer.ggml.eos_token_id": 260});
    const tokens = [...(m["tokenizer.ggml.tokens"] as string[]), "<|eot_id|>"];
    const types = [...(m["tokenizer.ggml.token_type"] as number[]), 1];
    const tok = ggufTokenizer(meta({...m, "tokenizer.ggml.tokens": tokens, "tokenizer.ggml.token_type": types}));
    const eot = tokens.length - 1;
    expect([...tok.eog].sort()).toEqual([260, eot].sort());
    expect(tok.special.eot).toBe(eot);
    expect(tok.attrs[eot]! & ATTR.CONTROL).toBeTruthy();
    expect(tok.encode("<|eot_id|>", {addSpecial: false})).not.toContain(eot);
    expect(tok.encode("<|eot_id|>", {addSpecial: false, parseSpecial: true})).toEqual([eot]);
  });

  it("user-defined tokens are cut out even without parse_special; lstrip/rstrip eat the spaces beside them", () => {
    const m = byteLevelMetadata(["<tool>", "<mask>"]);
    const types = (m["tokenizer.ggml.token_type"] as number[]).map((t, i) => (i === 260 ? 4 : t));
    const tok = ggufTokenizer(meta({...m, "tokenizer.ggml.token_type": types}));
    expect(tok.encode("a<tool>b", {addSpecial: false})).toEqual([byteId("a"), 260, byteId("b")]);
    // jina-v2 models: llama.cpp gives <mask> lstrip
    const jina = ggufTokenizer(meta({...m, "tokenizer.ggml.pre": "jina-v2-code"}));
    expect(jina.encode("a  <mask>b", {addSpecial: false, parseSpecial: true})).toEqual([byteId("a"), 261, byteId("b")]);
  });

  it("an empty token text becomes [EMPTY_i]; decoding refuses an id outside the vocabulary", () => {
    const m = byteLevelMetadata([""]);
    const tok = ggufTokenizer(meta(m));
    expect(tok.tokens[260]).toBe("[EMPTY_260]");
    expect(() => tok.decode([99999])).toThrow(/invalid token id: 99999/);
  });
});

describe("hfTokenizer(files): the Hugging Face semantics", () => {
  const vocab = Object.fromEntries(["a", "b", "ab", "▁", "▁a", "<0x41>", "<unk>"].map((t, i) => [t, i]));
  const base = {
    model: {type: "BPE", vocab, merges: ["a b", "▁ a"], byte_fallback: true, unk_token: "<unk>"},
    pre_tokenizer: {type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: true},
    decoder: {type: "Metaspace", replacement: "▁", prepend_scheme: "first"}
  };

  it("Metaspace 'first' prefixes only the text's first fragment; byte_fallback then unk", () => {
    const tok = hfTokenizer({tokenizer: {...base, added_tokens: [{id: 6, content: "<unk>", special: true}]}});
    expect(tok.encode("a ab", {addSpecial: false})).toEqual([4, 3, 2]);
    expect(tok.encode("A", {addSpecial: false})).toEqual([3, 5]); // ▁ then <0x41>
    expect(tok.encode("c", {addSpecial: false})).toEqual([3, 6]);
    expect(tok.decode([4, 3, 2])).toBe("a ab");
  });

  it("refuses what it does not implement, by name", () => {
    expect(() => hfTokenizer({tokenizer: {...base, model: {type: "Unigram", vocab: []}}})).toThrow(/Unigram/);
    const pre = {type: "Whitespace"};
    expect(() => hfTokenizer({tokenizer: {...base, pre_tokenizer: pre}})).toThrow(/pre_tokenizer.*Whitespace/);
    expect(() => hfTokenizer({tokenizer: {...base, normalizer: {type: "BertNormalizer"}}})).toThrow(/BertNormalizer/);
  });

  it("toJsRegex: (?i:...) expanded, \\s as Unicode White_Space (U+0085 yes, U+FEFF no)", () => {
    const re = toJsRegex("(?i:'s|'t)|\\s+");
    expect("'S 'T".match(re)).toEqual(["'S", " ", "'T"]);
    expect("\u0085".match(toJsRegex("\\s"))).toEqual(["\u0085"]);
    expect("\ufeff".match(toJsRegex("\\s"))).toBeNull();
  });

  it("Split behaviors follow tokenizers: MergedWithNext joins a lone delimiter to the piece after it", () => {
    const split = (behavior: string) =>
      hfTokenizer({
        tokenizer: {
          model: {
            type: "BPE",
            vocab: Object.fromEntries(["-", "x", "-x", "--", "x-"].map((t, i) => [t, i])),
            merges: ["- x"]
          },
          pre_tokenizer: {type: "Split", pattern: {String: "-"}, behavior, invert: false}
        }
      });
    // "- x" is the one merge, so "-x" comes out as one id only when the split made it one word
    expect(split("Isolated").encode("x--x", {addSpecial: false})).toEqual([1, 0, 0, 1]);
    expect(split("Removed").encode("x--x", {addSpecial: false})).toEqual([1, 1]);
    expect(split("MergedWithNext").encode("x--x", {addSpecial: false})).toEqual([1, 0, 2]);
  });
});

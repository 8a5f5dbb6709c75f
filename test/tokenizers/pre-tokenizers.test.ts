import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {toJsRegex} from "../../src/tokenizers/hf.ts";
import {PRE_TOKENIZER_NAMES, splitWords, toPreTokenizer} from "../../src/tokenizers/pre-tokenizers.ts";
import {parseVocabTestInput} from "../../src/tokenizers/vocab-test-format.ts";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";

/** The same regexes run by a real Unicode regex engine (each splits the pieces of the one before). */
function unicodeSplit(text: string, regexes: readonly string[]): string[] {
  let pieces = [text];
  for (const pattern of regexes) {
    // llama.cpp's GPT-2 splitter also takes the trailing whitespace the pattern itself leaves unmatched
    const re = toJsRegex(pattern.endsWith("\\s+(?!\\S)") ? pattern + "|\\s+" : pattern);
    pieces = pieces.flatMap((p) => {
      const out: string[] = [];
      let last = 0;
      for (const m of p.matchAll(re)) {
        if (m.index > last) out.push(p.slice(last, m.index));
        out.push(m[0]);
        last = m.index + m[0].length;
      }
      if (last < p.length) out.push(p.slice(last));
      return out;
    });
  }
  return pieces;
}

describe("toPreTokenizer(name)", () => {
  it("knows every tokenizer.ggml.pre name of llama.cpp c392e5094", () => {
    expect(PRE_TOKENIZER_NAMES.length).toBe(42); // the `tokenizer_pre == "…"` names in llama-vocab.cpp
    for (const name of PRE_TOKENIZER_NAMES) expect(toPreTokenizer(name).regexes.length).toBeGreaterThan(0);
  });

  it("sets llama.cpp's per-type flags: llama-bpe ignores merges and adds BOS; qwen2 keeps spaces", () => {
    expect(toPreTokenizer("llama-bpe")).toMatchObject({type: "llama3", ignoreMerges: true, addBos: true});
    expect(toPreTokenizer("qwen2")).toMatchObject({cleanSpaces: false, ignoreMerges: false});
    expect(toPreTokenizer("gpt-2")).toMatchObject({type: "gpt2", cleanSpaces: true});
    expect(toPreTokenizer("chatglm-bpe").noBos).toBe(true);
    expect(toPreTokenizer(undefined).type).toBe("default");
  });

  it("refuses an unknown name, naming it", () => {
    expect(() => toPreTokenizer("llama-9000")).toThrow(/unknown pre-tokenizer type: 'llama-9000'/);
  });
});

describe("splitWords(text, regexes): llama.cpp's regex emulation", () => {
  it("default (4 regexes) and gpt-2 are different splits", () => {
    const text = "$100 and 2024!";
    expect(splitWords(text, toPreTokenizer("gpt-2").regexes)).toEqual(["$", "100", " and", " 2024", "!"]);
    // default: punctuation/symbol runs first, then GPT-2, then digit runs, then groups of three ASCII digits
    expect(splitWords(text, toPreTokenizer("default").regexes)).toEqual(["$", "100", " and", " ", "202", "4", "!"]);
  });

  it("qwen2 splits numbers into digits, llama3 into groups of three", () => {
    expect(splitWords("abc 1234", toPreTokenizer("qwen2").regexes)).toEqual(["abc", " ", "1", "2", "3", "4"]);
    expect(splitWords("abc 1234", toPreTokenizer("llama3").regexes)).toEqual(["abc", " ", "123", "4"]);
  });

  it("collapsed \\p{P}/\\p{S} leave out ASCII '~' (llama.cpp's class map), unlike Unicode", () => {
    const regexes = toPreTokenizer("deepseek-v3").regexes;
    expect(splitWords("a~~b", regexes)).toEqual(["a", "~", "~b"]);
    expect(unicodeSplit("a~~b", regexes)).toEqual(["a", "~~", "b"]);
  });

  it("\\s is ASCII whitespace plus non-ASCII White_Space (as a vertical tab), never U+FEFF", () => {
    const bloom = toPreTokenizer("bloom").regexes;
    expect(splitWords("a\u00a0b", bloom)).toEqual(["a", "\u00a0", "b"]);
    expect(splitWords("a\ufeffb", bloom)).toEqual(["a\ufeffb"]);
  });
});

describeWithFixtures("tokenizers", "splitWords on llama.cpp's test strings", () => {
  const texts = parseVocabTestInput(readFileSync(fixturePath("tokenizers", "ggml-vocab-gpt-2.gguf.inp"), "utf8"));
  const types = [...new Set(PRE_TOKENIZER_NAMES.map((n) => toPreTokenizer(n).type))];

  it.each(types)("%s: loses nothing and agrees with a Unicode regex engine on every string", (type) => {
    const name = PRE_TOKENIZER_NAMES.find((n) => toPreTokenizer(n).type === type)!;
    const {regexes} = toPreTokenizer(name);
    for (const text of texts) {
      const words = splitWords(text, regexes);
      expect(words.join(""), JSON.stringify(text)).toBe(text);
      expect(words.every((w) => w.length > 0)).toBe(true);
      expect(words, JSON.stringify(text)).toEqual(unicodeSplit(text, regexes));
    }
  });
});

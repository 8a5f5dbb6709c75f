// Byte-level BPE pre-tokenizers as llama.cpp (c392e5094, llama-vocab.cpp + unicode.cpp) runs them: each
// `tokenizer.ggml.pre` name picks a list of regexes; the text is split by each regex in turn (a later regex splits
// the pieces of the earlier ones). llama.cpp does not use a Unicode regex engine: the GPT-2 and Llama 3 patterns
// have hand-written splitters, and any other pattern runs in std::regex, either on a "collapsed" text where each
// non-ASCII codepoint becomes one byte standing for its class (when the pattern uses \p{..}) or on the codepoints
// with ASCII-only \s. Both are reproduced here, quirks included (e.g. ASCII '~' is in neither collapsed \p{P} nor
// \p{S}), so the ids match llama.cpp's, not an idealised regex.
import {
  FLAG_LETTER,
  FLAG_MARK,
  FLAG_NUMBER,
  FLAG_PUNCTUATION,
  FLAG_SYMBOL,
  FLAG_WHITESPACE,
  MASK_CATEGORIES,
  codepoints,
  cptFlags
} from "./unicode.ts";

export interface PreTokenizer {
  /** llama.cpp's pre-type (LLAMA_VOCAB_PRE_TYPE_*, lower case) */
  readonly type: string;
  readonly regexes: readonly string[];
  /** a word that is a whole token is not split into merges (Llama 3, Tekken) */
  readonly ignoreMerges: boolean;
  /** the pre-type turns add_bos on (the GGUF's add_bos_token still overrides it) */
  readonly addBos: boolean;
  /** detokenize removes spaces before punctuation (clean_up_tokenization_spaces) */
  readonly cleanSpaces: boolean;
  /** the pre-type has no BOS token (ChatGLM 4) */
  readonly noBos: boolean;
}

const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
const LLAMA3_ORIGINAL =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const LLAMA3 =
  "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2 =
  "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const CJK = "[一-龥ࠀ-一가-퟿]+";
const BLOOM = " ?[^(\\s|.,!?…。，、।۔،)]+";

// the regex lists of llm_tokenizer_bpe, by pre-type
const REGEXES: Record<string, readonly string[]> = {
  default: ["[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"],
  llama3: [LLAMA3],
  dbrx: [LLAMA3],
  smaug: [LLAMA3],
  "deepseek-llm": [
    "[\r\n]",
    // (escaped: an editor that normalizes to NFC would change some of these letters, e.g. U+1FD3 to U+0390)
    "\\s?[A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a\u{10400}-\u{1044f}\u{104b0}-\u{104d3}\u{104d8}-\u{104fb}\u{10c80}-\u{10cb2}\u{10cc0}-\u{10cf2}\u{118a0}-\u{118df}\u{1e900}-\u{1e943}]+",
    "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
    "\\s+$",
    CJK,
    "\\p{N}+"
  ],
  "deepseek3-llm": [
    "\\p{N}{1,3}",
    "[一-龥぀-ゟ゠-ヿ]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"
  ],
  "deepseek-coder": ["[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"],
  falcon: ["[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"],
  starcoder: ["\\p{N}", GPT2],
  refact: ["\\p{N}", GPT2],
  "command-r": ["\\p{N}", GPT2],
  smollm: ["\\p{N}", GPT2],
  codeshell: ["\\p{N}", GPT2],
  exaone: ["\\p{N}", GPT2],
  minerva: ["\\p{N}", GPT2],
  gpt2: [GPT2],
  mpt: [GPT2],
  olmo: [GPT2],
  jais: [GPT2],
  stablelm2: [QWEN2],
  qwen2: [QWEN2],
  poro: [BLOOM],
  bloom: [BLOOM],
  "gpt3-finnish": [BLOOM],
  chatglm4: [LLAMA3],
  viking: [BLOOM, "\\p{N}"],
  tekken: [
    "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
  ],
  chameleon: [
    "<sentinel:[0-9]+>",
    "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
    "([\\t\\n]|    |  )",
    "\\p{N}",
    "[\\p{P}!-/:-@\\[-`{-~]",
    GPT2
  ]
};

interface NameRule {
  type: string;
  ignoreMerges?: true;
  addBos?: true;
  keepSpaces?: true;
  noBos?: true;
}

// every `tokenizer.ggml.pre` name llama_vocab::impl::load accepts, and what it sets besides the regexes
const NAMES: Record<string, NameRule> = {
  default: {type: "default"},
  llama3: {type: "llama3", ignoreMerges: true, addBos: true},
  "llama-v3": {type: "llama3", ignoreMerges: true, addBos: true},
  "llama-bpe": {type: "llama3", ignoreMerges: true, addBos: true},
  falcon3: {type: "llama3", ignoreMerges: true, addBos: true},
  "deepseek-llm": {type: "deepseek-llm", keepSpaces: true},
  "deepseek-coder": {type: "deepseek-coder", keepSpaces: true},
  "deepseek-v3": {type: "deepseek3-llm", keepSpaces: true},
  falcon: {type: "falcon"},
  mpt: {type: "mpt"},
  starcoder: {type: "starcoder"},
  ...Object.fromEntries(
    [
      "gpt-2",
      "phi-2",
      "jina-es",
      "jina-de",
      "gigachat",
      "jina-v1-en",
      "jina-v2-es",
      "jina-v2-de",
      "jina-v2-code",
      "roberta-bpe"
    ].map((n) => [n, {type: "gpt2"}])
  ),
  refact: {type: "refact"},
  "command-r": {type: "command-r", keepSpaces: true},
  qwen2: {type: "qwen2", keepSpaces: true},
  "deepseek-r1-qwen": {type: "qwen2", keepSpaces: true},
  stablelm2: {type: "stablelm2"},
  olmo: {type: "olmo"},
  dbrx: {type: "dbrx"},
  "smaug-bpe": {type: "smaug"},
  "poro-chat": {type: "poro", keepSpaces: true},
  "chatglm-bpe": {type: "chatglm4", noBos: true},
  viking: {type: "viking", keepSpaces: true},
  jais: {type: "jais"},
  tekken: {type: "tekken", keepSpaces: true, ignoreMerges: true, addBos: true},
  smollm: {type: "smollm", keepSpaces: true},
  codeshell: {type: "codeshell"},
  bloom: {type: "bloom"},
  "gpt3-finnish": {type: "gpt3-finnish"},
  exaone: {type: "exaone"},
  chameleon: {type: "chameleon", addBos: true, keepSpaces: true},
  "minerva-7b": {type: "minerva"},
  megrez: {type: "qwen2"}
};

/** Every `tokenizer.ggml.pre` value llama.cpp accepts at c392e5094. */
export const PRE_TOKENIZER_NAMES: readonly string[] = Object.keys(NAMES);

/** The pre-tokenizer a GGUF names; a missing name is llama.cpp's "default" (with its degraded-quality warning). */
export function toPreTokenizer(name: string | undefined): PreTokenizer {
  const rule = NAMES[name ?? "default"];
  if (!rule)
    throw new Error(
      `unknown pre-tokenizer type: '${name}' (tokenizer.ggml.pre); llama.cpp c392e5094 knows: ${PRE_TOKENIZER_NAMES.join(", ")}`
    );
  const regexes = REGEXES[rule.type]!;
  for (const pattern of regexes) splitOne([], pattern, [0]); // a pattern JS cannot run fails here, not mid-text
  return {
    type: rule.type,
    regexes,
    ignoreMerges: rule.ignoreMerges ?? false,
    addBos: rule.addBos ?? false,
    cleanSpaces: !rule.keepSpaces,
    noBos: rule.noBos ?? false
  };
}

// ---------------------------------------------------------------------------------------------------------------
// splitting: offsets are lengths in codepoints, each regex refines the pieces of the previous one

const OUT_OF_RANGE = -1;
const isLetter = (f: number) => (f & FLAG_LETTER) !== 0;
const isNumber = (f: number) => (f & FLAG_NUMBER) !== 0;
const isSpace = (f: number) => (f & FLAG_WHITESPACE) !== 0;

/** Walks one piece [ini, end) of cpts with llama.cpp's accessors: outside the piece a codepoint is OUT_OF_RANGE. */
function pieceWalker(cpts: number[], ini: number, end: number, out: number[]) {
  let prevEnd = ini;
  return {
    cpt: (pos: number) => (pos >= ini && pos < end ? cpts[pos]! : OUT_OF_RANGE),
    flags: (pos: number) => (pos >= ini && pos < end ? cptFlags(cpts[pos]!) : 0),
    /** ends the current word at `to`; returns its length */
    add(to: number): number {
      const len = to - prevEnd;
      if (len > 0) out.push(len);
      prevEnd = to;
      return len;
    }
  };
}

const lower = (cpt: number) => {
  if (cpt === OUT_OF_RANGE) return cpt;
  const l = String.fromCodePoint(cpt).toLowerCase();
  return l.length === 1 || l.codePointAt(0)! > 0xffff ? l.codePointAt(0)! : cpt;
};
const ch = (c: string) => c.charCodeAt(0);
const [APOS, SPACE, CR, LF] = [ch("'"), ch(" "), ch("\r"), ch("\n")];
const [S, T, M, D, R, V, E, L] = [..."stmdrvel"].map(ch) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number
];

/** The contraction at pos ('s 't 'm 'd: 2 codepoints; 're 've 'll: 3), or 0. */
function contraction(cpt: (pos: number) => number, pos: number, end: number, fold: (c: number) => number): number {
  if (cpt(pos) !== APOS || pos + 1 >= end) return 0;
  const a = fold(cpt(pos + 1));
  if (a === S || a === T || a === M || a === D) return 2;
  if (pos + 2 >= end) return 0;
  const b = fold(cpt(pos + 2));
  return (a === R && b === E) || (a === V && b === E) || (a === L && b === L) ? 3 : 0;
}

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
function splitGpt2(cpts: number[], offsets: number[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (const offset of offsets) {
    const [ini, end] = [start, start + offset];
    start = end;
    const w = pieceWalker(cpts, ini, end, out);
    for (let pos = ini; pos < end;) {
      const c = w.cpt(pos);
      const n = contraction(w.cpt, pos, end, (x) => x);
      if (n > 0) {
        pos += w.add(pos + n);
        continue;
      }
      let f2 = c === SPACE ? w.flags(pos + 1) : w.flags(pos);
      const run = (test: (f: number) => boolean) => {
        if (c === SPACE) pos++;
        while (test(f2)) f2 = w.flags(++pos);
        w.add(pos);
      };
      const other = (f: number) => !(isSpace(f) || isLetter(f) || isNumber(f)) && f !== 0;
      if (isLetter(f2)) run(isLetter);
      else if (isNumber(f2)) run(isNumber);
      else if (other(f2)) run(other);
      else {
        let spaces = 0;
        while (isSpace(w.flags(pos + spaces))) spaces++;
        if (spaces > 1 && w.cpt(pos + spaces) !== OUT_OF_RANGE)
          w.add((pos += spaces - 1)); // \s+(?!\S)
        else if (spaces > 0)
          w.add((pos += spaces)); // \s+
        else w.add(++pos); // no match: one codepoint
      }
    }
  }
  return out;
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
function splitLlama3(cpts: number[], offsets: number[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (const offset of offsets) {
    const [ini, end] = [start, start + offset];
    start = end;
    const w = pieceWalker(cpts, ini, end, out);
    for (let pos = ini; pos < end;) {
      const c = w.cpt(pos);
      const f = w.flags(pos);
      const n = contraction(w.cpt, pos, end, lower);
      if (n > 0) {
        pos += w.add(pos + n);
        continue;
      }
      // [^\r\n\p{L}\p{N}]?\p{L}+
      if (!(c === CR || c === LF || isNumber(f)) && (isLetter(f) || isLetter(w.flags(pos + 1)))) {
        pos++;
        while (isLetter(w.flags(pos))) pos++;
        w.add(pos);
        continue;
      }
      // \p{N}{1,3}
      if (isNumber(f)) {
        let first = pos;
        while (isNumber(w.flags(pos)))
          if (++pos - first >= 3) {
            w.add(pos);
            first = pos;
          }
        w.add(pos);
        continue;
      }
      // ' ?[^\s\p{L}\p{N}]+[\r\n]*' (llama.cpp tests the flags of pos itself for being non-empty, which they are)
      let f2 = c === SPACE ? w.flags(pos + 1) : f;
      const other = (x: number) => !(isSpace(x) || isLetter(x) || isNumber(x));
      if (other(f2) && f !== 0) {
        if (c === SPACE) pos++;
        while (other(f2) && f2 !== 0) f2 = w.flags(++pos);
        let c2 = w.cpt(pos);
        while (c2 === CR || c2 === LF) c2 = w.cpt(++pos);
        w.add(pos);
        continue;
      }
      let spaces = 0;
      let lastNewlineEnd = 0;
      while (isSpace(w.flags(pos + spaces))) {
        const c2 = w.cpt(pos + spaces);
        if (c2 === CR || c2 === LF) lastNewlineEnd = pos + spaces + 1;
        spaces++;
      }
      if (lastNewlineEnd > 0)
        w.add((pos = lastNewlineEnd)); // \s*[\r\n]+
      else if (spaces > 1 && w.cpt(pos + spaces) !== OUT_OF_RANGE)
        w.add((pos += spaces - 1)); // \s+(?!\S)
      else if (spaces > 0)
        w.add((pos += spaces)); // \s+
      else w.add(++pos);
    }
  }
  return out;
}

// the collapsed text: ASCII stays, other codepoints become one byte naming their class
const COLLAPSED: Record<string, {flag: number; byte: number; ascii: string}> = {
  "\\p{N}": {flag: FLAG_NUMBER, byte: 0xd1, ascii: "0-9"},
  "\\p{L}": {flag: FLAG_LETTER, byte: 0xd2, ascii: "A-Za-z"},
  "\\p{P}": {flag: FLAG_PUNCTUATION, byte: 0xd3, ascii: "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
  "\\p{M}": {flag: FLAG_MARK, byte: 0xd4, ascii: ""},
  "\\p{S}": {flag: FLAG_SYMBOL, byte: 0xd5, ascii: "\\$\\+<->\\^`\\|"}
};
const COLLAPSED_OTHER = 0xd0;
const COLLAPSED_SPACE = 0x0b; // llama.cpp: std::regex's \s does not match non-ASCII whitespace; a vertical tab does

function collapse(cpts: number[]): string {
  const byCategory = new Map(Object.values(COLLAPSED).map((c) => [c.flag, c.byte]));
  let s = "";
  for (const cpt of cpts) {
    if (cpt < 128) s += String.fromCharCode(cpt);
    else {
      const f = cptFlags(cpt);
      s += String.fromCharCode(isSpace(f) ? COLLAPSED_SPACE : (byCategory.get(f & MASK_CATEGORIES) ?? COLLAPSED_OTHER));
    }
  }
  return s;
}

const hex = (b: number) => `\\x${b.toString(16).padStart(2, "0")}`;

/** The pattern with each \p{X} replaced by its collapsed class (llama.cpp's rewrite, [..] tracked the same way). */
function collapsePattern(pattern: string): string {
  if ([...pattern].some((c) => c.codePointAt(0)! >= 128))
    throw new Error(`invalid pre-tokenizer regex: ${pattern} (unicode categories and non-ASCII characters together)`);
  let out = "";
  let inside = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "[" && (i === 0 || pattern[i - 1] !== "\\")) {
      out += c;
      inside = true;
      continue;
    }
    if (inside && c === "]" && pattern[i - 1] !== "\\") {
      out += c;
      inside = false;
      continue;
    }
    const cat = COLLAPSED[pattern.slice(i, i + 5)];
    if (c === "\\" && cat) {
      const cls = hex(cat.byte) + cat.ascii;
      out += inside ? cls : `[${cls}]`;
      i += 4;
      continue;
    }
    out += c;
  }
  if (out.includes("\\p{"))
    throw new Error(`invalid pre-tokenizer regex: ${pattern} (only \\p{N|L|P|M|S} are supported)`);
  return out;
}

// std::wregex in the C locale: \s and \S are ASCII whitespace only
const ASCII_SPACE = "\\t\\n\\v\\f\\r ";
function asciiSpacePattern(pattern: string): string {
  let out = "";
  let inside = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      const e = pattern[i + 1]!;
      i++;
      if (e === "s") out += inside ? ASCII_SPACE : `[${ASCII_SPACE}]`;
      else if (e === "S" && !inside) out += `[^${ASCII_SPACE}]`;
      else if (e === "S") throw new Error(`invalid pre-tokenizer regex: ${pattern} (\\S inside a class)`);
      else out += c + e;
      continue;
    }
    if (c === "[") inside = true;
    else if (c === "]") inside = false;
    out += c;
  }
  return out;
}

/** llama.cpp's unicode_regex_split_stl: matches and the gaps between them both become pieces. */
function splitRegex(text: string, re: RegExp, offsets: number[], unitStart: (cp: number) => number): number[] {
  const out: number[] = [];
  let start = 0; // in codepoints
  for (const offset of offsets) {
    const from = unitStart(start);
    const piece = text.slice(from, unitStart(start + offset));
    let last = 0; // codepoints of the piece consumed so far
    let lastUnit = 0;
    const cpsUpTo = (unit: number) => last + countCodepoints(piece, lastUnit, unit);
    re.lastIndex = 0;
    for (let m = re.exec(piece); m; m = re.exec(piece)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const at = cpsUpTo(m.index);
      const len = countCodepoints(piece, m.index, m.index + m[0].length);
      if (at > last) out.push(at - last);
      out.push(len);
      last = at + len;
      lastUnit = m.index + m[0].length;
    }
    if (last < offset) out.push(offset - last);
    start += offset;
  }
  return out;
}

/** codepoints in s[from, to) (a surrogate pair counts once) */
function countCodepoints(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) i++;
  }
  return n;
}

const compiled = new Map<string, RegExp>();
function compile(source: string, flags: string): RegExp {
  const key = flags + source;
  let re = compiled.get(key);
  if (!re) compiled.set(key, (re = new RegExp(source, flags)));
  return re;
}

/** Offsets (codepoint lengths) of one regex's split of the pieces `offsets` of cpts. */
function splitOne(cpts: number[], pattern: string, offsets: number[]): number[] {
  if (pattern === GPT2) return splitGpt2(cpts, offsets);
  if (pattern === LLAMA3 || pattern === LLAMA3_ORIGINAL) return splitLlama3(cpts, offsets);
  const usesCategories = Object.keys(COLLAPSED).some((cat) => pattern.includes(cat));
  if (usesCategories) {
    // one UTF-16 unit per codepoint: offsets index the collapsed text directly
    const text = collapse(cpts);
    return splitRegex(text, compile(collapsePattern(pattern), "g"), offsets, (i) => i);
  }
  let text = "";
  const unitStart: number[] = [];
  for (const cpt of cpts) {
    unitStart.push(text.length);
    text += String.fromCodePoint(cpt > 0x7f && isSpace(cptFlags(cpt)) ? COLLAPSED_SPACE : cpt);
  }
  unitStart.push(text.length);
  return splitRegex(text, compile(asciiSpacePattern(pattern), "gu"), offsets, (i) => unitStart[i]!);
}

/** The words of text, split as llama.cpp's unicode_regex_split does (before the byte-level encoding). */
export function splitWords(text: string, regexes: readonly string[]): string[] {
  const cpts = codepoints(text);
  let offsets = [cpts.length];
  // (llama.cpp falls back to std::regex when a custom splitter yields nothing, which only happens for empty text)
  for (const pattern of regexes) offsets = splitOne(cpts, pattern, offsets);
  const words: string[] = [];
  let start = 0;
  for (const offset of offsets) {
    words.push(String.fromCodePoint(...cpts.slice(start, start + offset)));
    start += offset;
  }
  return words;
}

// The tokenizer a Hugging Face `tokenizer.json` (+ `tokenizer_config.json`) describes, run with the Hugging Face
// `tokenizers` semantics: added tokens cut out first, then the normalizer, the pre-tokenizer (real Unicode regexes,
// not llama.cpp's emulation), the BPE model (merges, byte_fallback, unk), and the decoder. It shares the merge code
// and the Tokenizer (special tokens, BOS/EOS, decoding) with the GGUF route, so one vocabulary gives one set of ids.
// Supported: model BPE; normalizers Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip;
// pre-tokenizers Sequence, Split, ByteLevel, Metaspace, Digits; decoders ByteLevel, Metaspace, Sequence of Replace,
// ByteFallback, Fuse, Strip. Anything else is refused by name.
import {MergeRanks, bpeWord} from "./bpe.ts";
import {detectByText, endOfGeneration, type TextDetected} from "./special-tokens.ts";
import {ATTR, Tokenizer, type SpecialTokens} from "./tokenizer.ts";
import {byteLevelBytes, toByteLevel, utf8} from "./unicode.ts";

type Json = Record<string, unknown>;

export interface HfTokenizerFiles {
  /** tokenizer.json, parsed */
  tokenizer: unknown;
  /** tokenizer_config.json, parsed (optional) */
  config?: unknown;
}

const obj = (v: unknown, what: string): Json => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`invalid ${what}: not an object`);
  return v as Json;
};
const str = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new Error(`invalid ${what}: ${JSON.stringify(v)} (expected a string)`);
  return v;
};
const list = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`invalid ${what}: not an array`);
  return v;
};
/** a token named in tokenizer_config.json: a string or an AddedToken object */
const tokenName = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "object" && v !== null ? ((v as Json).content as string) : undefined;

// Unicode White_Space as Rust's regex \s; JS's \s differs (it adds U+FEFF, lacks U+0085)
const WS = "\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

/** A tokenizers (Rust/Oniguruma) pattern as a JS Unicode regex: \s, \S and (?i:...) rewritten. */
export function toJsRegex(pattern: string): RegExp {
  let out = "";
  let inside = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      const e = pattern[++i]!;
      if (e === "s") out += inside ? WS : `[${WS}]`;
      else if (e === "S" && !inside) out += `[^${WS}]`;
      else if (e === "S") throw new Error(`unsupported regex in tokenizer.json: ${pattern} (\\S inside a class)`);
      else out += c + e;
      continue;
    }
    if (!inside && pattern.startsWith("(?i:", i)) {
      const end = groupEnd(pattern, i);
      out += `(?:${caseless(pattern.slice(i + 4, end))})`;
      i = end;
      continue;
    }
    if (c === "[") inside = true;
    else if (c === "]") inside = false;
    out += c;
  }
  try {
    return new RegExp(out, "gu");
  } catch (e) {
    throw new Error(`unsupported regex in tokenizer.json: ${pattern} (${(e as Error).message})`, {cause: e});
  }
}

function groupEnd(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "(") depth++;
    else if (pattern[i] === ")" && --depth === 0) return i;
  }
  throw new Error(`unsupported regex in tokenizer.json: ${pattern} (unbalanced group)`);
}

/** letters outside classes and escapes become [xX] (enough for the contraction groups tokenizers use) */
function caseless(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\" || c === "[")
      throw new Error(`unsupported regex in tokenizer.json: (?i:${body}) (escapes or classes)`);
    out += c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// normalizers: string -> string

type Normalizer = (s: string) => string;

function toNormalizer(spec: unknown): Normalizer {
  if (spec === null || spec === undefined) return (s) => s;
  const n = obj(spec, "normalizer");
  const type = str(n.type, "normalizer type");
  switch (type) {
    case "Sequence": {
      const steps = list(n.normalizers, "normalizer Sequence").map(toNormalizer);
      return (s) => steps.reduce((acc, f) => f(acc), s);
    }
    case "NFC":
    case "NFD":
    case "NFKC":
    case "NFKD":
      return (s) => s.normalize(type);
    case "Lowercase":
      return (s) => s.toLowerCase();
    case "Prepend": {
      const prefix = str(n.prepend, "Prepend.prepend");
      return (s) => (s.length > 0 ? prefix + s : s);
    }
    case "Replace": {
      const content = str(n.content, "Replace.content");
      const pattern = obj(n.pattern, "Replace.pattern");
      if (typeof pattern.String === "string") {
        const from = pattern.String;
        return (s) => s.replaceAll(from, content);
      }
      const re = toJsRegex(str(pattern.Regex, "Replace.pattern.Regex"));
      return (s) => s.replace(re, content);
    }
    case "Strip": {
      const [left, right] = [n.strip_left !== false, n.strip_right !== false];
      return (s) => {
        const t = left ? s.replace(/^\s+/u, "") : s;
        return right ? t.replace(/\s+$/u, "") : t;
      };
    }
    default:
      throw new Error(`unsupported normalizer in tokenizer.json: ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// pre-tokenizers: one split list -> a finer one

type PreTokenizer = (splits: string[], atStart: boolean) => string[];

const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

type Behavior = "Removed" | "Isolated" | "MergedWithPrevious" | "MergedWithNext" | "Contiguous";

/** tokenizers' split by pattern (pattern.rs / normalizer.rs split): the pieces between and at the matches, the
 * matches (or, inverted, the gaps) kept, dropped or merged per behavior. */
function splitBy(s: string, re: RegExp, behavior: Behavior, invert: boolean): string[] {
  const pieces: [string, boolean][] = []; // [text, is a match]
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[0].length === 0) {
      re.lastIndex += 1;
      continue;
    }
    if (m.index > last) pieces.push([s.slice(last, m.index), invert]);
    pieces.push([m[0], !invert]);
    last = m.index + m[0].length;
  }
  if (last < s.length) pieces.push([s.slice(last), invert]);
  const out: string[] = [];
  let previousMatch = false;
  const merge = (text: string, isMatch: boolean, when: boolean) => {
    if (when && out.length > 0) out[out.length - 1] += text;
    else out.push(text);
    previousMatch = isMatch;
  };
  switch (behavior) {
    case "Removed":
      return pieces.filter(([, m]) => !m).map(([t]) => t);
    case "Isolated":
      return pieces.map(([t]) => t);
    case "MergedWithPrevious":
      for (const [t, m] of pieces) merge(t, m, m && !previousMatch);
      return out;
    case "Contiguous":
      for (const [t, m] of pieces) merge(t, m, m === previousMatch);
      return out;
    case "MergedWithNext":
      // tokenizers folds from the end: a match joins the piece after it, unless that piece is a match too
      for (let i = pieces.length - 1; i >= 0; i--) {
        const [t, m] = pieces[i]!;
        if (m && !previousMatch && out.length > 0) out[out.length - 1] = t + out[out.length - 1]!;
        else out.push(t);
        previousMatch = m;
      }
      return out.reverse();
  }
}

function toPreTokenizer(spec: unknown): PreTokenizer {
  if (spec === null || spec === undefined) return (splits) => splits;
  const p = obj(spec, "pre_tokenizer");
  const type = str(p.type, "pre_tokenizer type");
  switch (type) {
    case "Sequence": {
      const steps = list(p.pretokenizers, "pre_tokenizer Sequence").map(toPreTokenizer);
      return (splits, atStart) => steps.reduce((acc, f) => f(acc, atStart), splits);
    }
    case "Split": {
      const pattern = obj(p.pattern, "Split.pattern");
      const re =
        typeof pattern.String === "string"
          ? new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gu")
          : toJsRegex(str(pattern.Regex, "Split.pattern.Regex"));
      const behavior = str(p.behavior, "Split.behavior") as Behavior;
      if (!["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"].includes(behavior))
        throw new Error(`unsupported Split behavior in tokenizer.json: ${behavior}`);
      return (splits) => splits.flatMap((s) => splitBy(s, re, behavior, p.invert === true));
    }
    case "ByteLevel": {
      const re = p.use_regex === false ? undefined : toJsRegex(GPT2_PATTERN);
      const prefix = p.add_prefix_space === true;
      return (splits) =>
        splits.flatMap((s) => {
          const t = prefix && !s.startsWith(" ") ? " " + s : s;
          return (re ? splitBy(t, re, "Isolated", false) : [t]).map(toByteLevel);
        });
    }
    case "Metaspace": {
      const replacement = str(p.replacement ?? "\u2581", "Metaspace.replacement");
      const scheme = (p.prepend_scheme as string | undefined) ?? (p.add_prefix_space === false ? "never" : "always");
      const split = p.split !== false;
      return (splits, atStart) =>
        splits.flatMap((s, i) => {
          let t = s.replaceAll(" ", replacement);
          const prepend = scheme === "always" || (scheme === "first" && atStart && i === 0);
          if (prepend && !t.startsWith(replacement)) t = replacement + t;
          if (!split) return [t];
          return splitBy(t, new RegExp(replacement, "gu"), "MergedWithNext", false);
        });
    }
    case "Digits": {
      const re = p.individual_digits === true ? /\p{Nd}/gu : /\p{Nd}+/gu;
      return (splits) => splits.flatMap((s) => splitBy(s, re, "Isolated", false));
    }
    default:
      throw new Error(`unsupported pre_tokenizer in tokenizer.json: ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the decoder: one token -> its bytes, and whether decoding drops one leading space

interface Decoder {
  piece(token: string): Uint8Array;
  stripLeadingSpace: boolean;
}

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

function toDecoder(spec: unknown): Decoder {
  if (spec === null || spec === undefined) return {piece: utf8, stripLeadingSpace: false};
  const d = obj(spec, "decoder");
  const type = str(d.type, "decoder type");
  if (type === "ByteLevel") return {piece: byteLevelBytes, stripLeadingSpace: false};
  const steps = type === "Sequence" ? list(d.decoders, "decoder Sequence").map((x) => obj(x, "decoder")) : [d];
  let replace: [string, string] | undefined;
  let byteFallback = false;
  let strip = false;
  for (const step of steps) {
    const t = str(step.type, "decoder type");
    if (t === "Replace") {
      const from = obj(step.pattern, "Replace.pattern").String;
      replace = [str(from, "Replace.pattern.String"), str(step.content, "Replace.content")];
    } else if (t === "ByteFallback") byteFallback = true;
    else if (t === "Fuse") continue;
    else if (t === "Strip") strip = Number(step.start ?? 0) > 0 && str(step.content, "Strip.content") === " ";
    else if (t === "Metaspace") {
      replace = [str(step.replacement ?? "\u2581", "Metaspace.replacement"), " "];
      strip = step.prepend_scheme !== "never" && step.add_prefix_space !== false;
    } else throw new Error(`unsupported decoder in tokenizer.json: ${t}`);
  }
  return {
    piece(token) {
      const byte = byteFallback ? BYTE_TOKEN.exec(token) : null;
      if (byte) return Uint8Array.of(parseInt(byte[1]!, 16));
      return utf8(replace ? token.replaceAll(replace[0], replace[1]) : token);
    },
    stripLeadingSpace: strip
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** The tokenizer of tokenizer.json (+ tokenizer_config.json). */
export function hfTokenizer(files: HfTokenizerFiles): Tokenizer {
  const json = obj(files.tokenizer, "tokenizer.json");
  const config = files.config === undefined ? {} : obj(files.config, "tokenizer_config.json");
  const model = obj(json.model, "tokenizer.json model");
  const type = str(model.type ?? "BPE", "model type");
  if (type !== "BPE") throw new Error(`unsupported tokenizer.json model: ${type} (supported: BPE)`);
  for (const key of ["continuing_subword_prefix", "end_of_word_suffix"])
    if (model[key]) throw new Error(`unsupported tokenizer.json model option: ${key} = ${JSON.stringify(model[key])}`);

  // ids: the model vocabulary, then added tokens (which may add ids or re-mark existing ones)
  const vocab = obj(model.vocab, "model.vocab");
  const tokens: string[] = [];
  for (const [text, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      throw new Error(`invalid model.vocab id for ${text}: ${String(id)}`);
    tokens[id as number] = text;
  }
  const added = list(json.added_tokens ?? [], "added_tokens").map((a) => obj(a, "added token"));
  for (const a of added) tokens[a.id as number] = str(a.content, "added token content");
  for (let i = 0; i < tokens.length; i++) if (tokens[i] === undefined) tokens[i] = `[EMPTY_${i}]`;
  const ids = new Map<string, number>();
  tokens.forEach((t, i) => ids.set(t, i));

  const byteFallback = model.byte_fallback === true;
  const attrs = new Uint16Array(tokens.length).map((_, i) =>
    byteFallback && BYTE_TOKEN.test(tokens[i]!) ? ATTR.BYTE : ATTR.NORMAL
  );
  for (const a of added) {
    let attr = a.special === true ? ATTR.CONTROL : ATTR.USER_DEFINED;
    if (a.lstrip === true) attr |= ATTR.LSTRIP;
    if (a.rstrip === true) attr |= ATTR.RSTRIP;
    attrs[a.id as number] = attr;
  }
  const unkText = typeof model.unk_token === "string" ? model.unk_token : undefined;
  const unk = unkText === undefined ? undefined : ids.get(unkText);
  if (unk !== undefined) attrs[unk] = ATTR.UNKNOWN;

  const merges = list(model.merges ?? [], "model.merges").map((m): [string, string] => {
    if (Array.isArray(m) && m.length === 2) return [str(m[0], "merge"), str(m[1], "merge")];
    const line = str(m, "merge");
    const at = line.indexOf(" ", 1);
    if (at < 0) throw new Error(`invalid merge in tokenizer.json: ${JSON.stringify(line)}`);
    return [line.slice(0, at), line.slice(at + 1)];
  });
  const ranks = new MergeRanks(merges);
  const normalize = toNormalizer(json.normalizer);
  const preTokenize = toPreTokenizer(json.pre_tokenizer);
  const decoder = toDecoder(json.decoder);
  const ignoreMerges = model.ignore_merges === true;
  const fuseUnk = model.fuse_unk === true;

  const special: SpecialTokens = {};
  const named = (key: string) => {
    const text = tokenName(config[key]);
    return text === undefined ? undefined : ids.get(text);
  };
  for (const [field, key] of [
    ["bos", "bos_token"],
    ["eos", "eos_token"],
    ["unk", "unk_token"],
    ["pad", "pad_token"],
    ["sep", "sep_token"]
  ] as const) {
    const id = named(key);
    if (id !== undefined) special[field] = id;
  }
  if (special.unk === undefined && unk !== undefined) special.unk = unk;
  const {addBos, addEos} = specialsAdded(json.post_processor, config, tokens, special);
  const detected: TextDetected = {};
  detectByText(ids, attrs, detected);
  if (detected.eot !== undefined) special.eot = detected.eot;
  if (detected.eom !== undefined) special.eom = detected.eom;
  const eog = endOfGeneration(ids, attrs, {...detected, eos: special.eos});

  return new Tokenizer({
    kind: "hf bpe",
    tokens,
    ids,
    attrs,
    special,
    eog,
    addBos,
    addEos,
    addSpacePrefix: decoder.stripLeadingSpace,
    cleanSpaces: config.clean_up_tokenization_spaces === true,
    chatTemplate: chatTemplateOf(config.chat_template),
    encodeText(text, atStart, out) {
      for (const word of preTokenize([normalize(text)], atStart)) {
        if (word.length === 0) continue;
        const whole = ignoreMerges ? ids.get(word) : undefined;
        if (whole !== undefined) {
          out.push(whole);
          continue;
        }
        let lastUnk = false;
        for (const symbol of bpeWord(word, ranks)) {
          const id = ids.get(symbol);
          if (id !== undefined) {
            out.push(id);
            lastUnk = false;
            continue;
          }
          const bytes = byteFallback ? Array.from(utf8(symbol), (b) => ids.get(byteTokenText(b))) : [];
          if (bytes.length > 0 && bytes.every((b) => b !== undefined)) {
            out.push(...(bytes as number[]));
            lastUnk = false;
          } else if (unk !== undefined && !(fuseUnk && lastUnk)) {
            out.push(unk);
            lastUnk = true;
          }
        }
      }
    },
    decodePiece(id) {
      return decoder.piece(tokens[id]!);
    }
  });
}

const byteTokenText = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;

/** Whether BOS/EOS are added: tokenizer_config.json's add_bos_token/add_eos_token, else the post-processor's
 * TemplateProcessing for a single sequence. */
function specialsAdded(
  postProcessor: unknown,
  config: Json,
  tokens: readonly string[],
  special: SpecialTokens
): {addBos: boolean; addEos: boolean} {
  let addBos = false;
  let addEos = false;
  const template = findTemplate(postProcessor);
  if (template) {
    const items = template.map((x) => obj(x, "TemplateProcessing item"));
    const specialAt = (i: number) => tokenName(obj(items[i]?.SpecialToken ?? {}, "SpecialToken").id);
    const text = (id: number | undefined) => (id === undefined ? undefined : tokens[id]);
    addBos = items.length > 0 && specialAt(0) !== undefined && specialAt(0) === text(special.bos);
    addEos =
      items.length > 0 &&
      specialAt(items.length - 1) !== undefined &&
      specialAt(items.length - 1) === text(special.eos);
  }
  if (typeof config.add_bos_token === "boolean") addBos = config.add_bos_token;
  if (typeof config.add_eos_token === "boolean") addEos = config.add_eos_token;
  return {addBos, addEos};
}

function findTemplate(spec: unknown): unknown[] | undefined {
  if (spec === null || typeof spec !== "object") return undefined;
  const p = spec as Json;
  if (p.type === "TemplateProcessing") return list(p.single, "TemplateProcessing.single");
  if (p.type === "Sequence")
    for (const q of list(p.processors, "post_processor Sequence")) {
      const t = findTemplate(q);
      if (t) return t;
    }
  return undefined;
}

/** tokenizer_config.json's chat_template: a string, or a list of named templates ("default" is the one to use) */
function chatTemplateOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  const named = value.map((t) => obj(t, "chat_template entry"));
  const chosen = named.find((t) => t.name === "default") ?? named[0];
  return chosen === undefined ? undefined : str(chosen.template, "chat_template template");
}

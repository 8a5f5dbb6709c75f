// The tokenizer a GGUF file describes, built as llama.cpp's llama_vocab::impl::load does (c392e5094): the
// `tokenizer.ggml.*` keys, llama.cpp's defaults per model kind and pre-type, end-of-generation tokens found by
// their text, and the per-model attribute fixes. Input is plain metadata values, so this needs no file reader.
import type {GgufMetadata} from "../model-files/gguf/index.ts";
import {MergeRanks, bpeWord} from "./bpe.ts";
import {splitWords, toPreTokenizer} from "./pre-tokenizers.ts";
import {detectByText, endOfGeneration, type TextDetected} from "./special-tokens.ts";
import {spmEncode} from "./spm.ts";
import {ATTR, Tokenizer, attrOfTokenType, type SpecialTokens} from "./tokenizer.ts";
import {byteLevelBytes, toByteLevel, utf8} from "./unicode.ts";

/** GGUF metadata as plain values: a key's value (arrays as arrays), or undefined when the file does not have it. */
export type MetadataValues = (key: string) => unknown;

/** The GGUF reader's metadata as plain values. */
export function metadataValues(metadata: GgufMetadata): MetadataValues {
  return (key) => {
    const value = metadata.get(key)?.value;
    return typeof value === "object" ? value.values : value;
  };
}

/** The tokenizer of a GGUF file, from the reader's metadata. */
export function tokenizerFromGguf(metadata: GgufMetadata): Tokenizer {
  return ggufTokenizer(metadataValues(metadata));
}

const K = "tokenizer.ggml.";

const ESCAPED_SPACE = "\u2581"; // ▁

const ID_KEYS: [keyof (SpecialTokens & TextDetected), string][] = [
  ["bos", "bos_token_id"],
  ["eos", "eos_token_id"],
  ["eot", "eot_token_id"],
  ["eom", "eom_token_id"],
  ["unk", "unknown_token_id"],
  ["sep", "seperator_token_id"], // sic: the GGUF key is spelled this way
  ["pad", "padding_token_id"],
  ["fimPre", "fim_pre_token_id"],
  ["fimSuf", "fim_suf_token_id"],
  ["fimMid", "fim_mid_token_id"],
  ["fimPad", "fim_pad_token_id"],
  ["fimRep", "fim_rep_token_id"],
  ["fimSep", "fim_sep_token_id"],
  ["fimPre", "prefix_token_id"], // deprecated names
  ["fimSuf", "suffix_token_id"],
  ["fimMid", "middle_token_id"]
];

function array<T>(meta: MetadataValues, key: string, check: (v: unknown) => v is T): T[] | undefined {
  const v = meta(key);
  if (v === undefined) return undefined;
  const list = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<unknown>) : v;
  if (!Array.isArray(list) || !list.every(check)) throw new Error(`invalid ${key}: not an array of the right type`);
  return list;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" || typeof v === "bigint";

function scalar(meta: MetadataValues, key: string, type: "string" | "number" | "boolean"): unknown {
  let v = meta(key);
  if (typeof v === "bigint") v = Number(v);
  if (v !== undefined && typeof v !== type) throw new Error(`invalid ${key}: ${String(v)} (expected a ${type})`);
  return v;
}

/** The tokenizer of a GGUF file from its metadata. */
export function ggufTokenizer(meta: MetadataValues): Tokenizer {
  const model = scalar(meta, K + "model", "string") as string | undefined;
  if (model === undefined) throw new Error(`the GGUF has no ${K}model: it carries no tokenizer`);
  const spm = model === "llama";
  if (!spm && model !== "gpt2") {
    const known: Record<string, string> = {
      bert: "WordPiece",
      t5: "Unigram",
      rwkv: "RWKV",
      none: "no vocabulary",
      no_vocab: "no vocabulary"
    };
    if (known[model]) throw new Error(`unsupported tokenizer: '${model}' (${known[model]}); supported: llama, gpt2`);
    throw new Error(
      `unknown tokenizer: '${model}' (${K}model); supported: llama (SentencePiece), gpt2 (byte-level BPE)`
    );
  }
  const pre = spm ? undefined : toPreTokenizer(scalar(meta, K + "pre", "string") as string | undefined);

  const rawTokens = array(meta, K + "tokens", isString);
  if (!rawTokens) throw new Error(`the GGUF has no ${K}tokens`);
  const n = rawTokens.length;
  const tokens = rawTokens.map((t, i) => (t === "" ? `[EMPTY_${i}]` : t));
  const scores = array(meta, K + "scores", isNumber)?.map(Number);
  const types = array(meta, K + "token_type", isNumber)?.map(Number);
  for (const [key, list] of [
    ["scores", scores],
    ["token_type", types]
  ] as const)
    if (list && list.length !== n) throw new Error(`invalid ${K}${key}: ${list.length} entries for ${n} tokens`);
  const ids = new Map<string, number>();
  tokens.forEach((t, i) => ids.set(t, i));
  const attrs = new Uint16Array(n).map((_, i) => (types ? attrOfTokenType(types[i]!) : ATTR.NORMAL));

  // llama.cpp's defaults for the model kind, then the pre-type's, then the file's own keys
  const ids0: SpecialTokens & TextDetected = spm ? {bos: 1, eos: 2, unk: 0} : {bos: 11, eos: 11};
  if (pre?.noBos) delete ids0.bos;
  let addSpacePrefix = spm;
  let addBos = spm || (pre?.addBos ?? false);
  let addEos = false;
  const cleanSpaces = spm ? false : pre!.cleanSpaces;
  addSpacePrefix = (scalar(meta, K + "add_space_prefix", "boolean") as boolean | undefined) ?? addSpacePrefix;
  for (const [field, key] of ID_KEYS) {
    const v = scalar(meta, K + key, "number") as number | undefined;
    if (v !== undefined && Number.isInteger(v) && v >= 0 && v < n) ids0[field] = v;
  }
  addBos = (scalar(meta, K + "add_bos_token", "boolean") as boolean | undefined) ?? addBos;
  addEos = (scalar(meta, K + "add_eos_token", "boolean") as boolean | undefined) ?? addEos;

  detectByText(ids, attrs, ids0);
  const eog = endOfGeneration(ids, attrs, ids0);

  // llama.cpp's per-model attribute fixes (not stored in GGUF)
  const name = String(meta("general.name") ?? "").toLowerCase();
  const preName = String(meta(K + "pre") ?? "");
  const setAttr = (text: string, attr: number, on: boolean) => {
    const id = ids.get(text);
    if (id !== undefined) attrs[id] = on ? attrs[id]! | attr : attrs[id]! & ~attr;
  };
  if (["jina-v2-de", "jina-v2-es", "jina-v2-code"].some((p) => preName.includes(p)))
    setAttr("<mask>", ATTR.LSTRIP, true);
  else if (name.includes("phi-3") || name.includes("phi3")) {
    attrs.forEach((a, id) => {
      if (a & (ATTR.CONTROL | ATTR.USER_DEFINED | ATTR.UNKNOWN)) attrs[id] = a | ATTR.RSTRIP;
    });
    setAttr("</s>", ATTR.RSTRIP, true);
    for (const t of ["<unk>", "<s>", "<|endoftext|>"]) setAttr(t, ATTR.RSTRIP, false);
  }

  const special: SpecialTokens = {};
  for (const k of ["bos", "eos", "eot", "eom", "unk", "pad", "sep"] as const)
    if (ids0[k] !== undefined) special[k] = ids0[k];
  const chatTemplate = scalar(meta, "tokenizer.chat_template", "string") as string | undefined;
  const common = {tokens, ids, attrs, special, eog, addBos, addEos, addSpacePrefix, cleanSpaces, chatTemplate};

  if (spm) {
    // <0xXX>, else the byte itself as a token (which a JS string can only be for ASCII)
    const byteToken = (b: number): number => {
      const hex = b.toString(16).toUpperCase().padStart(2, "0");
      const id = ids.get(`<0x${hex}>`) ?? (b < 0x80 ? ids.get(String.fromCharCode(b)) : undefined);
      if (id === undefined) throw new Error(`the vocabulary has no token for byte 0x${hex} (no <0x${hex}> token)`);
      return id;
    };
    const vocab = {id: (t: string) => ids.get(t), score: (id: number) => scores?.[id] ?? 0, byteToken};
    return new Tokenizer({
      ...common,
      kind: "spm",
      // llama.cpp prefixes a fragment that follows a special token or starts the text: with fragments alternating
      // between text and special tokens, that is every one
      encodeText(text, _atStart, out) {
        const prefixed = (addSpacePrefix ? " " : "") + text;
        spmEncode(prefixed.replaceAll(" ", ESCAPED_SPACE), vocab, out);
      },
      decodePiece(id) {
        const attr = attrs[id]!;
        if (attr & ATTR.NORMAL) return utf8(tokens[id]!.replaceAll(ESCAPED_SPACE, " "));
        if (attr & ATTR.BYTE) return Uint8Array.of(parseInt(tokens[id]!.slice(3, 5), 16));
        return new Uint8Array(0);
      }
    });
  }

  const merges = array(meta, K + "merges", isString);
  if (!merges) throw new Error(`cannot find tokenizer merges in the GGUF (${K}merges), which a gpt2 tokenizer needs`);
  const ranks = MergeRanks.fromLines(merges);
  return new Tokenizer({
    ...common,
    kind: `bpe (${pre!.type})`,
    encodeText(text, _atStart, out) {
      for (const word of splitWords(text, pre!.regexes).map(toByteLevel)) {
        const whole = pre!.ignoreMerges ? ids.get(word) : undefined;
        if (whole !== undefined) {
          out.push(whole);
          continue;
        }
        for (const symbol of bpeWord(word, ranks)) {
          const id = ids.get(symbol);
          if (id !== undefined) out.push(id);
          // llama.cpp then looks up each byte of the symbol as a one-byte token: only ASCII can be one
          else for (const b of utf8(symbol)) if (b < 0x80) pushIfFound(ids.get(String.fromCharCode(b)), out);
        }
      }
    },
    decodePiece(id) {
      if (!(attrs[id]! & ATTR.NORMAL)) return new Uint8Array(0);
      return byteLevelBytes(tokens[id]!);
    }
  });
}

function pushIfFound(id: number | undefined, out: number[]) {
  if (id !== undefined) out.push(id);
}

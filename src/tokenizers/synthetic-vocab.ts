// A made-up vocabulary of any size that llama.cpp accepts, for random-weight models of real shapes: the keys
// `tokenizer.ggml.*` as a GGUF file holds them. Deterministic, no corpus needed:
//
//   gpt2 (byte-level BPE): the special tokens, the 256 byte-level characters, then merges that grow words one
//     lower-case letter at a time, breadth first over the roots "Ġ" (a leading space) and a…z: "Ġ a", "Ġ b", …,
//     "a a", …, "Ġa a", … — every merge makes a new token (each word has one parent), so ranks and ids agree.
//   llama (SentencePiece): <unk> <s> </s>, the 256 byte tokens <0x00>…<0xFF>, then pieces grown the same way over
//     "▁" and a…z, scores falling with the id (the shorter, earlier piece wins a merge).
// Unused ids (the vocabulary is larger than the tokens, as Qwen2.5's) are [PAD<id>], type unused, as
// convert_hf_to_gguf.py writes them.
import type {GgufOutEntry} from "../model-files/gguf/index.ts";
import type {ShapeVocab} from "../model-files/shapes.ts";
import {BYTE_TO_CHAR} from "./unicode.ts";

/** llama.cpp's token types (llama_token_type) */
const TYPE = {normal: 1, unknown: 2, control: 3, unused: 5, byte: 6} as const;

/** A shape's vocabulary kind and its size. */
export type SyntheticVocabSpec = ShapeVocab & {readonly size: number};

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Words grown one letter at a time from the roots, breadth first, until `count` are made: [parent, letter]. */
function grownWords(roots: string[], count: number): [string, string][] {
  const out: [string, string][] = [];
  const queue = [...roots];
  for (let head = 0; out.length < count; head++) {
    const parent = queue[head]!;
    for (const c of LETTERS) {
      if (out.length === count) break;
      out.push([parent, c]);
      queue.push(parent + c);
    }
  }
  return out;
}

/** The special tokens of the chat models these shapes come from (SmolLM2 at the start, Qwen2.5 at the end). */
const GPT2_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

export function syntheticVocab(spec: SyntheticVocabSpec): GgufOutEntry[] {
  const K = "tokenizer.ggml.";
  const array = (key: string, itemType: "string" | "i32" | "f32", values: unknown[] | Int32Array | Float32Array) =>
    ({key: K + key, type: "array", value: {itemType, values}}) as GgufOutEntry;
  const u32 = (key: string, value: number): GgufOutEntry => ({key: K + key, type: "u32", value});
  const bool = (key: string, value: boolean): GgufOutEntry => ({key: K + key, type: "bool", value});
  const tokens: string[] = [];
  const types: number[] = [];
  const add = (text: string, type: number) => {
    tokens.push(text);
    types.push(type);
  };
  if (spec.model === "llama") {
    const fixed = 3 + 256;
    if (spec.size < fixed + 27)
      throw new Error(`invalid vocab size: ${spec.size} (SentencePiece needs ≥ ${fixed + 27})`);
    add("<unk>", TYPE.unknown);
    add("<s>", TYPE.control);
    add("</s>", TYPE.control);
    for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, TYPE.byte);
    for (const c of ["\u2581", ...LETTERS]) add(c, TYPE.normal);
    for (const [parent, c] of grownWords(["\u2581", ...LETTERS], spec.size - tokens.length))
      add(parent + c, TYPE.normal);
    const scores = new Float32Array(spec.size).map((_, i) => (i < fixed ? 0 : -(i - fixed)));
    return [
      {key: K + "model", type: "string", value: "llama"},
      array("tokens", "string", tokens),
      array("scores", "f32", scores),
      array("token_type", "i32", Int32Array.from(types)),
      u32("bos_token_id", 1),
      u32("eos_token_id", 2),
      u32("unknown_token_id", 0),
      u32("padding_token_id", 2),
      bool("add_bos_token", true),
      bool("add_eos_token", false)
    ];
  }
  const atEnd = spec.specials === "end";
  const unused = spec.unused;
  const words = spec.size - 256 - GPT2_SPECIALS.length - unused;
  if (words < 27) throw new Error(`invalid vocab size: ${spec.size} (byte-level BPE needs ≥ ${256 + 3 + 27 + unused})`);
  if (!atEnd) for (const s of GPT2_SPECIALS) add(s, TYPE.control);
  for (let b = 0; b < 256; b++) add(BYTE_TO_CHAR[b]!, TYPE.normal);
  const grown = grownWords(["\u0120", ...LETTERS], words);
  for (const [parent, c] of grown) add(parent + c, TYPE.normal);
  const first = atEnd ? tokens.length : 0;
  if (atEnd) for (const s of GPT2_SPECIALS) add(s, TYPE.control);
  while (tokens.length < spec.size) add(`[PAD${tokens.length}]`, TYPE.unused);
  // <|endoftext|> is BOS for Qwen2.5 (a base model's), <|im_start|> for SmolLM2; <|im_end|> ends a turn in both
  const [endOfText, imStart, imEnd] = [first, first + 1, first + 2];
  return [
    {key: K + "model", type: "string", value: "gpt2"},
    {key: K + "pre", type: "string", value: spec.pre},
    array("tokens", "string", tokens),
    array("token_type", "i32", Int32Array.from(types)),
    array(
      "merges",
      "string",
      grown.map(([parent, c]) => `${parent} ${c}`)
    ),
    u32("bos_token_id", atEnd ? endOfText : imStart),
    u32("eos_token_id", imEnd),
    u32("unknown_token_id", endOfText),
    u32("padding_token_id", atEnd ? endOfText : imEnd),
    bool("add_bos_token", false)
  ];
}

// Small vocabularies as plain GGUF metadata, for tests that need special tokens the fixtures lack.
import {ggufTokenizer} from "../../src/tokenizers/gguf-vocab.ts";
import type {Tokenizer} from "../../src/tokenizers/tokenizer.ts";
import {BYTE_TO_CHAR} from "../../src/tokenizers/unicode.ts";

/** metadata lookup over a record */
export const meta = (values: Record<string, unknown>) => (key: string) => values[key];

/** A byte-level BPE vocabulary: the 256 byte characters (ids 0-255), a few merges, then control tokens. */
export function byteLevelMetadata(controls: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const merged = ["Hi", "Ġt", "Ġth", "Ġthe"];
  const tokens = [...BYTE_TO_CHAR, ...merged, ...controls];
  return {
    "tokenizer.ggml.model": "gpt2",
    "tokenizer.ggml.pre": "qwen2",
    "tokenizer.ggml.tokens": tokens,
    "tokenizer.ggml.token_type": tokens.map((_, i) => (i < 256 + merged.length ? 1 : 3)),
    "tokenizer.ggml.merges": ["H i", "Ġ t", "Ġt h", "Ġth e"],
    ...extra
  };
}

export function byteLevelTokenizer(controls: string[], extra: Record<string, unknown> = {}): Tokenizer {
  return ggufTokenizer(meta(byteLevelMetadata(controls, extra)));
}

/** the id of a byte in the byte-level vocabulary */
export const byteId = (c: string) => BYTE_TO_CHAR.indexOf(c);

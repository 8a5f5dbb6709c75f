// A model's text side as the notebooks use it, whatever the tokenizer: llama2.c's tokenizer.bin (the built-in model,
// a checkpoint from disk), a GGUF file's own vocabulary or a folder's tokenizer.json. A model without one (a GGUF written without
// tokenizer.ggml.* keys, a Hugging Face folder without tokenizer.json) still runs every cell that needs no text; a
// text cell gets an error naming the files that would provide a tokenizer.
import {decodePiece, encode, type Tokenizer as Llama2cTokenizer} from "../../engine/index.ts";
import type {Tokenizer} from "../../tokenizers/tokenizer.ts";

export interface ModelText {
  /** e.g. "llama2.c tokenizer.bin, 512 tokens" or "llama vocabulary, 512 tokens"; null for a model without one */
  readonly description: string | null;
  /** the ids of a prompt, BOS added as the tokenizer says */
  encode(text: string): number[];
  /** token `id`'s bytes after token `prev` (after BOS a piece's leading space is dropped, as the decoders do) */
  pieceBytes(prev: number, id: number): Uint8Array;
}

export function llama2cModelText(tok: Llama2cTokenizer): ModelText {
  return {
    description: `llama2.c tokenizer.bin, ${tok.pieces.length} tokens`,
    encode: (text) => encode(tok, text),
    pieceBytes: (prev, id) => decodePiece(tok, prev, id)
  };
}

export function vocabModelText(tok: Tokenizer): ModelText {
  const bos = tok.special.bos;
  return {
    description: `${tok.kind} vocabulary, ${tok.size} tokens`,
    encode: (text) => tok.encode(text),
    pieceBytes: (prev, id) => {
      const bytes = tok.pieceBytes(id, true);
      return prev === bos && tok.addSpacePrefix && bytes[0] === 0x20 ? bytes.subarray(1) : bytes;
    }
  };
}

/**
 * The text side of a model that has none: every use says so and which files would give it one (`provide`, e.g.
 * "add tokenizer.json to the folder").
 */
export function missingText(model: string, provide: string): ModelText {
  const fail = (): never => {
    throw new Error(
      `${model} has no tokenizer, so this cell cannot turn text into tokens: ${provide}; the cells that need no text still run`
    );
  };
  return {description: null, encode: fail, pieceBytes: fail};
}

/** A llama2.c tokenizer (the training notebook's) or a model's text side, as a ModelText. */
export function toModelText(t: ModelText | Llama2cTokenizer): ModelText {
  return "pieces" in t ? llama2cModelText(t) : t;
}

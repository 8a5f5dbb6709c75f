// The text side of a model, whatever its tokenizer: llama2.c's tokenizer.bin, or a GGUF / tokenizer.json vocabulary.
// Commands and lessons encode a prompt and print a growing sequence through this one interface.
import {BOS, decodePiece, encode, TextStream, type Tokenizer as Llama2cTokenizer} from "./llama2c.ts";
import {chatPromptIds, type ChatMessage} from "./chat.ts";
import type {Tokenizer} from "./tokenizer.ts";

export interface TextCodec {
  /** e.g. "llama2.c tokenizer.bin, 512 tokens" or "gguf llama (SentencePiece), 32000 tokens" */
  readonly description: string;
  /** the ids of a prompt, BOS (and EOS) added as the tokenizer says */
  encode(text: string): number[];
  /** a printer for a sequence as it is generated: push(prev, next) gives next's text (UTF-8 split over tokens held back) */
  stream(): {push(prev: number, next: number): string; flush(): string};
  /** one token's text after prev, for display (a lone byte of a multi-byte character shows as U+FFFD) */
  piece(prev: number, token: number): string;
  /** ends generation (EOS, EOT…) */
  isEnd(token: number): boolean;
  /** the prompt ids of a conversation through the model's chat template; null when the tokenizer has none */
  chat: ((messages: readonly ChatMessage[]) => number[]) | null;
}

export function llama2cText(tok: Llama2cTokenizer): TextCodec {
  const decoder = new TextDecoder();
  return {
    description: `llama2.c tokenizer.bin, ${tok.pieces.length} tokens`,
    encode: (text) => encode(tok, text),
    stream: () => new TextStream(tok),
    piece: (prev, token) => decoder.decode(decodePiece(tok, prev, token)),
    isEnd: (token) => token === BOS, // llama2.c's sequence delimiter, where run.c stops
    chat: null
  };
}

export function vocabText(tok: Tokenizer): TextCodec {
  const decoder = new TextDecoder();
  return {
    description: `${tok.kind} vocabulary, ${tok.size} tokens`,
    encode: (text) => tok.encode(text),
    stream: () => {
      const utf8 = new TextDecoder();
      let first = true;
      return {
        push: (_prev, next) => {
          let piece = tok.pieceBytes(next, false);
          if (first && tok.addSpacePrefix && piece[0] === 0x20) piece = piece.subarray(1);
          if (piece.length > 0) first = false;
          return utf8.decode(piece, {stream: true});
        },
        flush: () => utf8.decode()
      };
    },
    piece: (_prev, token) => decoder.decode(tok.pieceBytes(token, true)),
    isEnd: (token) => tok.isEog(token),
    chat: tok.chatTemplate === undefined ? null : (messages) => chatPromptIds(tok.chatTemplate!, tok, messages)
  };
}

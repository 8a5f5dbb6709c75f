// Tokens as text for charts and tables, and the most likely next tokens of a logits row: the small pieces every model
// notebook needs between the engine (ids, logits) and the viz (strings, probabilities).
import type {Tokenizer} from "../../engine/index.ts";
import {toModelText, type ModelText} from "./model-text.ts";

/** a model's text side, or a llama2.c tokenizer as it is */
export type TextSide = ModelText | Tokenizer;

const UTF8 = new TextDecoder();

/**
 * Token `id` as text after token `prev` (the BOS rule drops a leading space); a single byte that is not a whole
 * printable character shows as <0xAB>, like llama.cpp.
 */
export function tokenText(tokenizer: TextSide, prev: number, id: number): string {
  const bytes = toModelText(tokenizer).pieceBytes(prev, id);
  if (bytes.length === 1 && (bytes[0]! < 0x20 || bytes[0]! >= 0x80) && bytes[0] !== 0x0a) {
    return `<0x${bytes[0]!.toString(16).toUpperCase().padStart(2, "0")}>`;
  }
  return UTF8.decode(bytes);
}

/** The prompt's tokens as {id, text}, each as its own piece (the space of a piece after BOS is kept, so it shows). */
export function tokenPieces(tokenizer: TextSide, tokens: readonly number[]): {id: number; text: string}[] {
  return tokens.map((id) => ({id, text: tokenText(tokenizer, 0, id)}));
}

/** softmax(logits) (V,) in float64: exp(l - max) / sum. */
export function probabilities(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const p = Float64Array.from(logits, (l) => Math.exp(l - max));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / sum);
}

export interface TopToken {
  id: number;
  token: string;
  p: number;
  logit: number;
}

/** The k most likely next tokens of a logits row (V,), most likely first, read after token `prev`. */
export function topTokens(tokenizer: TextSide, prev: number, logits: ArrayLike<number>, k = 10): TopToken[] {
  const p = probabilities(logits);
  return [...p.keys()]
    .sort((a, b) => p[b]! - p[a]! || a - b)
    .slice(0, k)
    .map((id) => ({id, token: tokenText(tokenizer, prev, id), p: p[id]!, logit: logits[id]!}));
}

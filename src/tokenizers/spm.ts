// SentencePiece BPE by piece scores (llama.cpp's llm_tokenizer_spm_session): start from one symbol per codepoint,
// repeatedly merge the adjacent pair whose concatenation is the vocabulary piece with the highest score (leftmost
// on ties); a final symbol that is no piece falls back to its UTF-8 bytes as <0xXX> tokens.
// (llama.cpp also keeps a reverse-merge map for resegmenting, but every merged symbol is a piece by construction,
// so only single codepoints ever reach the byte fallback.)
import {Heap} from "./heap.ts";
import {mergeSymbols, survivors, symbolText, toSymbols} from "./symbols.ts";
import {utf8} from "./unicode.ts";

export interface SpmVocab {
  id(text: string): number | undefined;
  score(id: number): number;
  /** the token of one byte (<0xXX>, else the byte as text) */
  byteToken(byte: number): number;
}

interface Bigram {
  left: number;
  right: number;
  score: number;
  n: number;
}

/** Appends the ids of text (spaces already escaped as ▁) to out. */
export function spmEncode(text: string, vocab: SpmVocab, out: number[]): void {
  const symbols = toSymbols(text);
  const queue = new Heap<Bigram>((a, b) => a.score > b.score || (a.score === b.score && a.left < b.left));
  const addBigram = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const l = symbols[left]!;
    const r = symbols[right]!;
    const id = vocab.id(symbolText(text, l) + symbolText(text, r));
    if (id !== undefined) queue.push({left, right, score: vocab.score(id), n: l.n + r.n});
  };
  for (let i = 1; i < symbols.length; i++) addBigram(i - 1, i);
  for (let bigram = queue.pop(); bigram; bigram = queue.pop()) {
    const l = symbols[bigram.left]!;
    const r = symbols[bigram.right]!;
    if (l.n === 0 || r.n === 0 || l.n + r.n !== bigram.n) continue;
    mergeSymbols(symbols, bigram.left, bigram.right);
    addBigram(l.prev, bigram.left);
    addBigram(bigram.left, l.next);
  }
  for (const piece of survivors(text, symbols)) {
    const id = vocab.id(piece);
    if (id !== undefined) out.push(id);
    else for (const b of utf8(piece)) out.push(vocab.byteToken(b));
  }
}

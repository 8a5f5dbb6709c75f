// Byte-pair encoding of one pre-tokenized word (llama.cpp's llm_tokenizer_bpe_session): start from one symbol per
// character, repeatedly merge the adjacent pair with the lowest merge rank (leftmost on ties) until no pair has a
// rank. The word is already in the model's alphabet (GPT-2 byte-level characters, or SentencePiece's ▁ text).
import {Heap} from "./heap.ts";
import {mergeSymbols, survivors, symbolText, toSymbols} from "./symbols.ts";

/** Merge ranks: "left right" lines in priority order (tokenizer.ggml.merges, tokenizer.json model.merges). */
export class MergeRanks {
  private readonly ranks = new Map<string, Map<string, number>>();

  constructor(merges: Iterable<readonly [string, string]>) {
    let rank = 0;
    for (const [a, b] of merges) {
      let inner = this.ranks.get(a);
      if (!inner) this.ranks.set(a, (inner = new Map()));
      if (!inner.has(b)) inner.set(b, rank);
      rank++;
    }
  }

  /** From GGUF merge strings: split at the first space after the first character, as llama.cpp does. */
  static fromLines(lines: readonly string[]): MergeRanks {
    return new MergeRanks(
      lines.map((line): [string, string] => {
        const at = line.indexOf(" ", 1);
        return at < 0 ? ["", ""] : [line.slice(0, at), line.slice(at + 1)];
      })
    );
  }

  rank(a: string, b: string): number | undefined {
    return this.ranks.get(a)?.get(b);
  }
}

interface Bigram {
  left: number;
  right: number;
  text: string;
  rank: number;
}

/** The symbols a word merges into. */
export function bpeWord(word: string, ranks: MergeRanks): string[] {
  const symbols = toSymbols(word);
  const queue = new Heap<Bigram>((a, b) => a.rank < b.rank || (a.rank === b.rank && a.left < b.left));
  const addBigram = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const a = symbolText(word, symbols[left]!);
    const b = symbolText(word, symbols[right]!);
    const rank = ranks.rank(a, b);
    if (rank !== undefined) queue.push({left, right, text: a + b, rank});
  };
  for (let i = 1; i < symbols.length; i++) addBigram(i - 1, i);
  for (let bigram = queue.pop(); bigram; bigram = queue.pop()) {
    const l = symbols[bigram.left]!;
    const r = symbols[bigram.right]!;
    // outdated: one side was merged away or grew since the pair was queued
    if (l.n === 0 || r.n === 0 || symbolText(word, l) + symbolText(word, r) !== bigram.text) continue;
    mergeSymbols(symbols, bigram.left, bigram.right);
    addBigram(l.prev, bigram.left);
    addBigram(bigram.left, l.next);
  }
  return survivors(word, symbols);
}

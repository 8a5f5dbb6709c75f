// The doubly linked list of symbols both merge tokenizers work on (llama.cpp's llm_symbol): a symbol is a span
// [start, start + n) of the word; merging moves the right symbol's span into the left one and unlinks it.
export interface MergeSymbol {
  prev: number;
  next: number;
  start: number;
  /** length in UTF-16 units; 0 once merged away */
  n: number;
}

/** One symbol per codepoint of text. */
export function toSymbols(text: string): MergeSymbol[] {
  const symbols: MergeSymbol[] = [];
  for (let i = 0; i < text.length;) {
    const n = text.codePointAt(i)! > 0xffff ? 2 : 1;
    symbols.push({prev: symbols.length - 1, next: i + n < text.length ? symbols.length + 1 : -1, start: i, n});
    i += n;
  }
  return symbols;
}

export function symbolText(text: string, s: MergeSymbol): string {
  return text.slice(s.start, s.start + s.n);
}

/** Merges symbol `right` into `left`, its neighbour. */
export function mergeSymbols(symbols: MergeSymbol[], left: number, right: number): void {
  const l = symbols[left]!;
  const r = symbols[right]!;
  l.n += r.n;
  r.n = 0;
  l.next = r.next;
  if (r.next >= 0) symbols[r.next]!.prev = left;
}

/** The surviving symbols' texts, in order. */
export function survivors(text: string, symbols: MergeSymbol[]): string[] {
  const out: string[] = [];
  for (let i = symbols.length > 0 ? 0 : -1; i !== -1; i = symbols[i]!.next) out.push(symbolText(text, symbols[i]!));
  return out;
}

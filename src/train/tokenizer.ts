// A byte-level BPE tokenizer trained on our corpus and saved in llama2.c `tokenizer.bin` format, so llama2.c's
// `encode` (the engine's port of it, which the corpus is also encoded with) (dummy-prefix space, then repeatedly merge the adjacent pair whose concatenation is the vocab piece with the
// highest score, leftmost on ties) reproduces our tokenization: the k-th merge gets score −k.
//
// Vocab layout: 0 <unk>, 1 BOS, 2 EOS, 3 + b = byte b (run.c's byte fallback id). Printable ASCII bytes and "\n" are
// stored as the literal character, so lookups and concatenations of pieces see real text; other bytes are "<0xHH>"
// (run.c decodes those as raw bytes). Merges never cross a word boundary: a space may only start a piece (as in
// SentencePiece), letters and punctuation stay apart, newlines merge only with newlines. Pieces are held as binary
// strings, one char per byte.
import {BYTE_OFFSET, readTokenizer, writeTokenizer, type Tokenizer as EngineTokenizer} from "../tokenizers/llama2c.ts";

export interface Tokenizer {
  pieces: string[]; // (vocab,) binary strings
  scores: Float32Array; // (vocab,)
}

function bytePiece(b: number): string {
  const literal = (b >= 0x20 && b < 0x7f) || b === 0x0a;
  return literal ? String.fromCharCode(b) : `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
}

function basePieces(): string[] {
  return ["<unk>", "\n<s>\n", "\n</s>\n", ...Array.from({length: 256}, (_, b) => bytePiece(b))];
}

const toBinary = (text: string): string => String.fromCharCode(...new TextEncoder().encode(text));

/** run.c's first pass: " " + text, one id per UTF-8 code point found in the vocab, else one id per byte. */
function initialIds(lookup: Map<string, number>, text: string): number[] {
  const ids: number[] = [];
  if (text.length === 0) return ids;
  ids.push(lookup.get(" ")!);
  for (const codePoint of text) {
    const bytes = toBinary(codePoint);
    const id = lookup.get(bytes);
    if (id !== undefined) ids.push(id);
    else for (let i = 0; i < bytes.length; i++) ids.push(bytes.charCodeAt(i) + BYTE_OFFSET);
  }
  return ids;
}

/** Pieces are words (letters, maybe after one space), runs of punctuation (same), or runs of newlines. */
const MERGEABLE = /^(?: ?[A-Za-z]+| ?[^A-Za-z\s]+|\n+)$/;

export interface BpeSpec {
  /** final vocabulary size, including the 259 base tokens */
  vocabSize?: number;
}

export function toBpeSpec({vocabSize = 512}: BpeSpec = {}): Required<BpeSpec> {
  if (!Number.isInteger(vocabSize) || vocabSize < 260 || vocabSize > 4096)
    throw new Error(`invalid vocabSize: ${vocabSize}`);
  return {vocabSize};
}

/** Learn merges greedily by pair frequency (ties: smallest pair ids) until the vocab has vocabSize pieces. */
export function trainBpe(texts: readonly string[], spec: BpeSpec = {}): Tokenizer {
  const {vocabSize} = toBpeSpec(spec);
  const pieces = basePieces();
  const lookup = new Map(pieces.map((p, i) => [p, i]));
  const seq: number[] = [];
  for (const text of texts) seq.push(...initialIds(lookup, text), -1); // -1 separates texts
  let ids = Int32Array.from(seq);
  const counts = new Int32Array(vocabSize * vocabSize);
  while (pieces.length < vocabSize) {
    counts.fill(0);
    for (let i = 0; i + 1 < ids.length; i++)
      if (ids[i]! >= 0 && ids[i + 1]! >= 0) counts[ids[i]! * vocabSize + ids[i + 1]!]!++;
    let best = -1;
    for (let pair = 0; pair < counts.length; pair++) {
      if (counts[pair]! < 2 || (best >= 0 && counts[pair]! <= counts[best]!)) continue;
      if (MERGEABLE.test(pieces[Math.floor(pair / vocabSize)]! + pieces[pair % vocabSize]!)) best = pair;
    }
    if (best < 0) break; // nothing left worth merging: a smaller vocab than asked for
    const [a, b] = [Math.floor(best / vocabSize), best % vocabSize];
    const merged = pieces[a]! + pieces[b]!;
    let id = lookup.get(merged);
    if (id === undefined) {
      id = pieces.length;
      pieces.push(merged);
      lookup.set(merged, id);
    }
    let w = 0;
    for (let r = 0; r < ids.length; r++) {
      if (ids[r] === a && ids[r + 1] === b) {
        ids[w++] = id;
        r++;
      } else ids[w++] = ids[r]!;
    }
    ids = ids.subarray(0, w);
  }
  const scores = Float32Array.from(pieces, (_, i) => (i < BYTE_OFFSET + 256 ? 0 : -(i - BYTE_OFFSET - 256)));
  return {pieces, scores};
}

/** The tokenizer as llama2.c tokenizer.bin bytes. */
export function tokenizerBin({pieces, scores}: Tokenizer): Uint8Array {
  return writeTokenizer(
    pieces.map((p) => Uint8Array.from(p, (ch) => ch.charCodeAt(0))),
    scores
  );
}

/** The engine's tokenizer (run.c's encode and decode) for these pieces and scores. */
export function engineTokenizer(tokenizer: Tokenizer): EngineTokenizer {
  return readTokenizer(tokenizerBin(tokenizer));
}

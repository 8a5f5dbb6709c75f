// llama2.c's tokenizer: `tokenizer.bin` = int32 max_token_length, then per token float32 score, int32 length, bytes.
// encode is run.c's: optional BOS, a dummy-prefix space, UTF-8 code points looked up whole or split into byte tokens
// (id = byte + 3), then repeatedly merge the adjacent pair whose concatenation is the highest-scoring token.
export const BOS = 1;
export const EOS = 2;
/** byte-fallback tokens: byte b is token b + BYTE_OFFSET (<unk>, <s>, </s> come first) */
export const BYTE_OFFSET = 3;

export interface Tokenizer {
  /** token pieces as raw bytes (not necessarily valid UTF-8) */
  readonly pieces: Uint8Array[];
  /** merge scores (V,) */
  readonly scores: Float32Array;
  readonly maxTokenLength: number;
  /** piece (one char per byte) -> token id */
  readonly lookup: Map<string, number>;
}

const binary = (bytes: Uint8Array) => {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};

/** Parses tokenizer.bin; with vocabSize (the model's), refuses a tokenizer of another size. */
export function readTokenizer(bytes: Uint8Array, vocabSize?: number): Tokenizer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string) =>
    new Error(`tokenizer is corrupt: ${what}; pass a llama2.c tokenizer.bin (the one exported with the model)`);
  if (bytes.byteLength < 4) throw fail(`${bytes.byteLength} bytes, too short for a header`);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0 || maxTokenLength > 1 << 16) throw fail(`max_token_length ${maxTokenLength}`);
  const pieces: Uint8Array[] = [];
  const scoreList: number[] = [];
  let offset = 4;
  while (offset < bytes.byteLength) {
    if (offset + 8 > bytes.byteLength) throw fail(`token ${pieces.length} is cut off at byte ${offset}`);
    const score = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    offset += 8;
    if (length < 0 || length > maxTokenLength || offset + length > bytes.byteLength)
      throw fail(`token ${pieces.length} has length ${length} at byte ${offset - 4}`);
    pieces.push(bytes.slice(offset, offset + length));
    scoreList.push(score);
    offset += length;
  }
  if (vocabSize !== undefined && pieces.length !== vocabSize)
    throw new Error(
      `tokenizer has ${pieces.length} tokens but the model's vocab_size is ${vocabSize}; pass the tokenizer the model was exported with`
    );
  const lookup = new Map<string, number>();
  // the first occurrence wins, like run.c's bsearch over a stable sort
  pieces.forEach((p, id) => {
    const key = binary(p);
    if (!lookup.has(key)) lookup.set(key, id);
  });
  return {pieces, scores: Float32Array.from(scoreList), maxTokenLength, lookup};
}

/** Serializes pieces and scores as tokenizer.bin. */
export function writeTokenizer(pieces: Uint8Array[], scores: ArrayLike<number>): Uint8Array {
  const maxTokenLength = pieces.reduce((m, p) => Math.max(m, p.length), 1);
  const out = new Uint8Array(4 + pieces.reduce((n, p) => n + 8 + p.length, 0));
  const view = new DataView(out.buffer);
  view.setInt32(0, maxTokenLength, true);
  let offset = 4;
  pieces.forEach((p, i) => {
    view.setFloat32(offset, scores[i]!, true);
    view.setInt32(offset + 4, p.length, true);
    out.set(p, offset + 8);
    offset += 8 + p.length;
  });
  return out;
}

/** Token ids of text, as run.c's encode(text, bos, eos). */
export function encode(tok: Tokenizer, text: string, bos = true, eos = false): number[] {
  const ids: number[] = [];
  if (bos) ids.push(BOS);
  const bytes = new TextEncoder().encode(text);
  // run.c adds the dummy prefix " " to any non-empty text; without a " " token we fall back to its byte token
  if (bytes.length > 0) ids.push(tok.lookup.get(" ") ?? 32 + BYTE_OFFSET);
  for (let i = 0; i < bytes.length;) {
    let end = i + 1;
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80 && end - i < 4) end++;
    const id = tok.lookup.get(binary(bytes.subarray(i, end)));
    if (id !== undefined) ids.push(id);
    else for (let j = i; j < end; j++) ids.push(bytes[j]! + BYTE_OFFSET);
    i = end;
  }
  const merged = mergePairs(tok, ids);
  if (eos) merged.push(EOS);
  return merged;
}

/**
 * run.c's merge loop: while some adjacent pair concatenates to a token, merge the pair whose token scores highest
 * (the leftmost on ties). A heap with lazy invalidation makes it O(n log n) instead of run.c's O(n²).
 */
function mergePairs(tok: Tokenizer, ids: number[]): number[] {
  const n = ids.length;
  const id = ids.slice();
  const next = Int32Array.from({length: n}, (_, i) => (i + 1 < n ? i + 1 : -1));
  const prev = Int32Array.from({length: n}, (_, i) => i - 1);
  const alive = new Uint8Array(n).fill(1);
  const keys = tok.pieces.map(binary);
  // heap entries: [score, left index, left id, right id, merged id]
  type Entry = [number, number, number, number, number];
  const heap: Entry[] = [];
  const better = (a: Entry, b: Entry) => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
  const push = (e: Entry) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!better(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): Entry => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && better(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && better(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  const consider = (left: number) => {
    const right = left >= 0 ? next[left]! : -1;
    if (left < 0 || right < 0) return;
    const merged = tok.lookup.get(keys[id[left]!]! + keys[id[right]!]!);
    if (merged !== undefined) push([tok.scores[merged]!, left, id[left]!, id[right]!, merged]);
  };
  for (let i = 0; i + 1 < n; i++) consider(i);
  while (heap.length) {
    const [, left, leftId, rightId, merged] = pop();
    const right = next[left]!;
    // stale entry: one side has merged since it was pushed
    if (!alive[left] || right < 0 || id[left] !== leftId || id[right] !== rightId) continue;
    id[left] = merged;
    alive[right] = 0;
    next[left] = next[right]!;
    if (next[right]! >= 0) prev[next[right]!] = left;
    consider(prev[left]!);
    consider(left);
  }
  const out: number[] = [];
  for (let i = 0; n > 0 && i >= 0; i = next[i]!) out.push(id[i]!);
  return out;
}

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** Bytes of token `token` following `prev`, as run.c's decode: no leading space after BOS, <0xXX> pieces as bytes. */
export function decodePiece(tok: Tokenizer, prev: number, token: number): Uint8Array {
  let piece = tok.pieces[token];
  if (!piece) throw new Error(`token ${token} is out of range: the tokenizer has ${tok.pieces.length} tokens`);
  if (prev === BOS && piece[0] === 32) piece = piece.subarray(1);
  const m = piece.length === 6 ? BYTE_PIECE.exec(binary(piece)) : null;
  return m ? Uint8Array.of(parseInt(m[1]!, 16)) : piece;
}

/** The text of a token sequence (its first token is taken as following BOS when it is BOS itself). */
export function decode(tok: Tokenizer, tokens: ArrayLike<number>): string {
  const decoder = new TextDecoder();
  let text = "";
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === BOS && i === 0) continue;
    text += decoder.decode(decodePiece(tok, i > 0 ? tokens[i - 1]! : BOS, tokens[i]!), {stream: true});
  }
  return text + decoder.decode();
}

/** True for a single control byte run.c's safe_printf would not print (not printable, not whitespace). */
const isControlByte = (piece: Uint8Array) =>
  piece.length === 1 && ((piece[0]! < 32 && !(piece[0]! >= 9 && piece[0]! <= 13)) || piece[0] === 127);

/**
 * Turns a token stream into text as it is generated, like run.c's printing: decodePiece, control bytes dropped, and
 * multi-byte UTF-8 characters split over byte tokens joined before they are emitted.
 */
export class TextStream {
  private readonly decoder = new TextDecoder();
  constructor(private readonly tok: Tokenizer) {}

  /** Text of `token` following `prev` (may be "" while a UTF-8 character is incomplete). */
  push(prev: number, token: number): string {
    const piece = decodePiece(this.tok, prev, token);
    return isControlByte(piece) ? "" : this.decoder.decode(piece, {stream: true});
  }

  /** Any incomplete character left at the end. */
  flush(): string {
    return this.decoder.decode();
  }
}

// A model's tokenizer as llama.cpp's llama_vocab runs it: special and user-defined tokens are cut out of the text
// first (tokenizer_st_partition), each remaining fragment goes through the model's own text tokenizer (SentencePiece
// or byte-level BPE), BOS/EOS are added as the vocabulary says; decoding maps each id back to its bytes.
// The GGUF and Hugging Face loaders (gguf-vocab.ts, hf.ts) both build one of these from plain inputs.
import {fromUtf8, utf8} from "./unicode.ts";

/** llama.cpp's token attributes (LLAMA_TOKEN_ATTR_*), bit flags */
export const ATTR = {
  UNKNOWN: 1 << 0,
  UNUSED: 1 << 1,
  NORMAL: 1 << 2,
  CONTROL: 1 << 3,
  USER_DEFINED: 1 << 4,
  BYTE: 1 << 5,
  NORMALIZED: 1 << 6,
  LSTRIP: 1 << 7,
  RSTRIP: 1 << 8,
  SINGLE_WORD: 1 << 9
} as const;

/** GGUF `tokenizer.ggml.token_type` values (LLAMA_TOKEN_TYPE_*) to attributes; unknown values are undefined (0). */
export function attrOfTokenType(type: number): number {
  return [0, ATTR.NORMAL, ATTR.UNKNOWN, ATTR.CONTROL, ATTR.USER_DEFINED, ATTR.UNUSED, ATTR.BYTE][type] ?? 0;
}

const SPECIAL = ATTR.CONTROL | ATTR.UNKNOWN;

export interface SpecialTokens {
  bos?: number;
  eos?: number;
  /** end of turn (<|eot_id|>, <|im_end|>, …) */
  eot?: number;
  /** end of message (<|eom_id|>) */
  eom?: number;
  unk?: number;
  pad?: number;
  sep?: number;
}

export interface TokenizerParts {
  /** what the text tokenizer is, for messages: "spm", "bpe (gpt-2)", "hf bpe", … */
  kind: string;
  tokens: readonly string[];
  /** text -> id (a text listed twice maps to its last id, as in llama.cpp) */
  ids: ReadonlyMap<string, number>;
  /** (n_vocab,) ATTR flags */
  attrs: Uint16Array;
  special: SpecialTokens;
  /** ids that end generation */
  eog: ReadonlySet<number>;
  addBos: boolean;
  addEos: boolean;
  /** decoding drops one leading space (the one SentencePiece's space prefix added) */
  addSpacePrefix: boolean;
  /** decoding removes spaces before punctuation and contractions (llama.cpp's clean_spaces) */
  cleanSpaces: boolean;
  /** the Jinja chat template the file carries, if any */
  chatTemplate?: string;
  /** appends the ids of one fragment of plain text; atStart: the fragment begins the input (else it follows a
   * special token) */
  encodeText(text: string, atStart: boolean, out: number[]): void;
  /** the bytes of a token that is neither control, unknown nor user-defined (empty when it has none) */
  decodePiece(id: number): Uint8Array;
}

export interface EncodeOptions {
  /** add BOS/EOS as the vocabulary says (default true) */
  addSpecial?: boolean;
  /** special-token text in the input becomes that token (default false: it is tokenized as plain text) */
  parseSpecial?: boolean;
}

export interface DecodeOptions {
  /** drop a leading BOS and a trailing EOS the vocabulary would add (default false) */
  removeSpecial?: boolean;
  /** control tokens print as their text (default true, as llama.cpp's common_detokenize) */
  unparseSpecial?: boolean;
  /** override the vocabulary's clean-up of spaces before punctuation */
  cleanSpaces?: boolean;
}

const isAsciiSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

export class Tokenizer {
  readonly kind: string;
  readonly tokens: readonly string[];
  readonly attrs: Uint16Array;
  readonly special: Readonly<SpecialTokens>;
  readonly eog: ReadonlySet<number>;
  readonly addBos: boolean;
  readonly addEos: boolean;
  readonly chatTemplate: string | undefined;
  private readonly parts: TokenizerParts;
  /** control, user-defined and unknown tokens, longest text first: the order the partition tries them */
  private readonly specialOrder: number[];

  constructor(parts: TokenizerParts) {
    this.parts = parts;
    ({kind: this.kind, tokens: this.tokens, attrs: this.attrs, special: this.special, eog: this.eog} = parts);
    ({addBos: this.addBos, addEos: this.addEos, chatTemplate: this.chatTemplate} = parts);
    this.specialOrder = [];
    for (let id = 0; id < parts.tokens.length; id++)
      if (parts.attrs[id]! & (SPECIAL | ATTR.USER_DEFINED) && parts.tokens[id]!.length > 0) this.specialOrder.push(id);
    this.specialOrder.sort((a, b) => utf8(parts.tokens[b]!).length - utf8(parts.tokens[a]!).length || a - b);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** SentencePiece's space prefix: decoding drops the leading space of the first piece */
  get addSpacePrefix(): boolean {
    return this.parts.addSpacePrefix;
  }

  isEog(id: number): boolean {
    return this.eog.has(id);
  }

  /** The ids of text. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const {addSpecial = true, parseSpecial = false} = options;
    const out: number[] = [];
    if (addSpecial && this.addBos) out.push(this.required("bos"));
    let atStart = true;
    for (const fragment of this.partition(wellFormed(text), parseSpecial)) {
      if (typeof fragment === "number") out.push(fragment);
      else this.parts.encodeText(fragment, atStart, out);
      atStart = false;
    }
    if (addSpecial && this.addEos) out.push(this.required("eos"));
    return out;
  }

  /** The text of ids (bytes joined first, so a character split over several tokens comes back whole). */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const {removeSpecial = false, unparseSpecial = true, cleanSpaces = this.parts.cleanSpaces} = options;
    let [from, to] = [0, ids.length];
    let removeSpace = this.parts.addSpacePrefix;
    if (removeSpecial && this.addBos && to > 0 && ids[0] === this.special.bos) {
      removeSpace = false;
      from++;
    }
    if (removeSpecial && this.addEos && to > from && ids[to - 1] === this.special.eos) to--;
    const bytes: number[] = [];
    for (let i = from; i < to; i++) {
      let piece = this.pieceBytes(ids[i]!, unparseSpecial);
      if (removeSpace && piece[0] === 0x20) piece = piece.subarray(1);
      removeSpace = false;
      for (const b of piece) bytes.push(b);
    }
    return fromUtf8(Uint8Array.from(cleanSpaces ? cleanUpSpaces(bytes) : bytes));
  }

  /** One token as text (control tokens as their text), for display; a partial UTF-8 byte shows as U+FFFD. */
  piece(id: number): string {
    return fromUtf8(this.pieceBytes(id, true));
  }

  /** llama.cpp's token_to_piece: the bytes a token stands for. */
  pieceBytes(id: number, special: boolean): Uint8Array {
    if (!(id >= 0 && id < this.tokens.length && Number.isInteger(id)))
      throw new Error(`invalid token id: ${id} (the vocabulary has ${this.tokens.length} tokens)`);
    const attr = this.attrs[id]!;
    if (!special && attr & SPECIAL) return new Uint8Array(0);
    if (attr & (SPECIAL | ATTR.USER_DEFINED)) return utf8(this.tokens[id]!);
    return this.parts.decodePiece(id);
  }

  /** The id of a token text, or undefined. */
  id(text: string): number | undefined {
    return this.parts.ids.get(text);
  }

  private required(name: "bos" | "eos"): number {
    const id = this.special[name];
    if (id === undefined)
      throw new Error(`the vocabulary adds ${name.toUpperCase()} but has no ${name.toUpperCase()} token`);
    return id;
  }

  /** Text cut into plain fragments and special-token ids (llama.cpp's tokenizer_st_partition). */
  private partition(text: string, parseSpecial: boolean): (string | number)[] {
    let fragments: (string | number)[] = text.length > 0 ? [text] : [];
    for (const id of this.specialOrder) {
      const attr = this.attrs[id]!;
      // control and unknown tokens only when special text is parsed; user-defined ones always
      if (!parseSpecial && attr & SPECIAL) continue;
      const token = this.tokens[id]!;
      const next: (string | number)[] = [];
      for (const fragment of fragments) {
        if (typeof fragment === "number" || !fragment.includes(token)) {
          next.push(fragment);
          continue;
        }
        let from = 0;
        for (let at = fragment.indexOf(token); at >= 0; at = fragment.indexOf(token, from)) {
          let end = at;
          if (attr & ATTR.LSTRIP) while (end > from && isAsciiSpace(fragment.charCodeAt(end - 1))) end--;
          if (end > from) next.push(fragment.slice(from, end));
          next.push(id);
          from = at + token.length;
          if (attr & ATTR.RSTRIP) while (from < fragment.length && isAsciiSpace(fragment.charCodeAt(from))) from++;
        }
        if (from < fragment.length) next.push(fragment.slice(from));
      }
      fragments = next;
    }
    return fragments;
  }
}

/** Lone surrogates as U+FFFD, which is what their UTF-8 encoding would give llama.cpp. */
function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, "\ufffd");
}

/** llama.cpp's clean_spaces passes: " ?" " !" " ." " ," lose the space, " ' " loses both, " 's" " 'm" " 're" " 've"
 * lose it too (" 't" " 'd" " 'll" keep it). Each pass reads its input and writes a new array. */
function cleanUpSpaces(bytes: number[]): number[] {
  if (bytes.length === 0) return bytes;
  const [SPACE, APOS] = [0x20, 0x27];
  const one = (s: string) => s.charCodeAt(0);
  const first = [bytes[0]!];
  for (let i = 1; i < bytes.length; i++) {
    const x = bytes[i]!;
    if (bytes[i - 1] === SPACE && "?!.,".includes(String.fromCharCode(x))) first.pop();
    first.push(x);
  }
  const src = first.slice(); // the space after " ' " becomes a NUL that is skipped
  const second = [src[0]!];
  for (let i = 1; i < src.length; i++) {
    const x = src[i]!;
    if (x === APOS && i + 1 < src.length && src[i - 1] === SPACE && src[i + 1] === SPACE) {
      second.pop();
      src[++i] = 0;
    }
    second.push(x);
  }
  const third = [second[0]!];
  for (let i = 1; i < second.length; i++) {
    const x = second[i]!;
    if (second[i - 1] === SPACE && x === APOS && i + 1 < second.length) {
      const x1 = second[i + 1]!;
      const x2 = second[i + 2];
      if (x1 === one("s") || x1 === one("m")) third.pop();
      else if (x1 !== one("t") && x1 !== one("d") && x2 !== undefined && x2 === one("e"))
        if (x1 === one("r") || x1 === one("v")) third.pop();
    }
    third.push(x);
  }
  return third;
}

// Codepoint classes as llama.cpp's unicode.cpp sees them (one category flag per codepoint from the Unicode general
// category, plus a White_Space bit), UTF-8 helpers, and GPT-2's byte <-> printable-character map.
// llama.cpp ships a generated table; we ask the JS engine's own Unicode property escapes, once per codepoint.

export const FLAG_UNDEFINED = 0x0001; // Cn, unassigned
export const FLAG_NUMBER = 0x0002; // \p{N}
export const FLAG_LETTER = 0x0004; // \p{L}
export const FLAG_SEPARATOR = 0x0008; // \p{Z}
export const FLAG_MARK = 0x0010; // \p{M}
export const FLAG_PUNCTUATION = 0x0020; // \p{P}
export const FLAG_SYMBOL = 0x0040; // \p{S}
export const FLAG_CONTROL = 0x0080; // \p{C} except Cn
export const FLAG_WHITESPACE = 0x0100; // Unicode White_Space (also Python's and Rust's \s)
export const MASK_CATEGORIES = 0x00ff;

const MAX_CODEPOINT = 0x10ffff;

// in the order a codepoint is tested; Cn first because \p{C} includes it
const CATEGORIES: [RegExp, number][] = [
  [/^\p{Cn}$/u, FLAG_UNDEFINED],
  [/^\p{N}$/u, FLAG_NUMBER],
  [/^\p{L}$/u, FLAG_LETTER],
  [/^\p{Z}$/u, FLAG_SEPARATOR],
  [/^\p{M}$/u, FLAG_MARK],
  [/^\p{P}$/u, FLAG_PUNCTUATION],
  [/^\p{S}$/u, FLAG_SYMBOL],
  [/^\p{C}$/u, FLAG_CONTROL]
];
const WHITE_SPACE = /^\p{White_Space}$/u;

let flagCache: Uint16Array | undefined; // (0x110000,) 0 = not computed yet

/** The flags of a codepoint; 0 for a position outside the text (llama.cpp's OUT_OF_RANGE). */
export function cptFlags(cpt: number): number {
  if (cpt < 0 || cpt > MAX_CODEPOINT) return 0;
  flagCache ??= new Uint16Array(MAX_CODEPOINT + 1);
  let f = flagCache[cpt]!;
  if (f === 0) {
    const ch = String.fromCodePoint(cpt);
    for (const [re, flag] of CATEGORIES)
      if (re.test(ch)) {
        f = flag;
        break;
      }
    if (WHITE_SPACE.test(ch)) f |= FLAG_WHITESPACE;
    flagCache[cpt] = f;
  }
  return f;
}

/** Codepoints of a string (a lone surrogate stays one codepoint, as TextEncoder would make it U+FFFD). */
export function codepoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)!);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", {fatal: false});

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 bytes to text; invalid sequences become U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the other 68 map to U+0100.. in byte order. */
function byteMaps(): {byteToChar: string[]; charToByte: Map<string, number>} {
  const byteToChar: string[] = new Array<string>(256);
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let n = 0;
  for (let b = 0; b < 256; b++) byteToChar[b] = String.fromCodePoint(printable(b) ? b : 256 + n++);
  const charToByte = new Map<string, number>();
  byteToChar.forEach((c, b) => charToByte.set(c, b));
  return {byteToChar, charToByte};
}

export const {byteToChar: BYTE_TO_CHAR, charToByte: CHAR_TO_BYTE} = byteMaps();

/** Text as GPT-2 byte-level characters: each UTF-8 byte becomes one printable character. */
export function toByteLevel(text: string): string {
  let out = "";
  for (const b of utf8(text)) out += BYTE_TO_CHAR[b]!;
  return out;
}

/** The bytes of a byte-level token (llama.cpp's llama_decode_text); a character outside the 256 comes out as
 * llama.cpp's `[UNK_BYTE_0x..]` text. */
export function byteLevelBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) out.push(b);
    else {
      const hex = Array.from(utf8(ch), (x) => x.toString(16).padStart(2, "0")).join("");
      out.push(...utf8(`[UNK_BYTE_0x${hex}${text}]`));
    }
  }
  return Uint8Array.from(out);
}

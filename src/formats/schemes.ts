// The trait table: one row per quantization scheme, and the only place a format name is resolved. A row parses the
// format text (`head:option:option`) into a Format, whose codec(rows, cols) gives block size, bytes per block, bits per
// weight, quantizeRef, dequantize and the dot kernels (see codec.ts). Each format's file documents its formula and
// byte layout in full; in short (fp16 scales unless said, bpw with the scales):
//
//   format  values  bytes  fields                                     value                         bpw
//   q8_0        32     34  d, int8 q                                  x = d·q                       8.5
//   q4_0        32     18  d, 4-bit q                                 x = d·(q − 8)                 4.5
//   q4_1        32     20  d, m, 4-bit q                              x = d·q + m                   5
//   q5_0        32     22  d, 5-bit q                                 x = d·(q − 16)                5.5
//   q5_1        32     24  d, m, 5-bit q                              x = d·q + m                   6
//   q2_k       256     84  d, dmin; 16 sub-blocks of 16: 4-bit sc, m  x = d·sc·q − dmin·m, q 0..3   2.625
//   q3_k       256    110  d; 16 sub-blocks of 16: 6-bit s            x = d·(s − 32)·q, q −4..3     3.4375
//   q4_k       256    144  d, dmin; 8 sub-blocks of 32: 6-bit sc, m   x = d·sc·q − dmin·m, q 0..15  4.5
//   q5_k       256    176  d, dmin; 8 sub-blocks of 32: 6-bit sc, m   x = d·sc·q − dmin·m, q 0..31  5.5
//   q6_k       256    210  d; 16 sub-blocks of 16: int8 sc            x = d·sc·q, q −32..31         6.5625
//   iq4_nl      32     18  d, 4-bit index q into 16 levels K          x = d·K[q]                    4.5
//
// The K-quants (q2_k … q6_k) are ggml's bytes when 256 divides the rows. On other rows (every row of the built-in
// model: 64 and 192 long) ggml cannot store them and llama-quantize falls back (ggmlFallback); here such a matrix is
// simulated as one flat run of super-blocks (matrix.ts) and its codec says which type llama.cpp would store.
import type {Codec} from "./codec.ts";
import {bf16} from "./bf16.ts";
import {f16} from "./f16.ts";
import {ggmlFallback, ggmlTypeOf} from "./ggml-codecs.ts";
import {iq4_nl} from "./iq4_nl.ts";
import {q2_k} from "./q2_k.ts";
import {q3_k} from "./q3_k.ts";
import {q4_k} from "./q4_k.ts";
import {q5_k} from "./q5_k.ts";
import {q6_k} from "./q6_k.ts";
import {intCodec, type IntGroup} from "./int.ts";
import {llama2cQ8Codec} from "./llama2c-q8.ts";
import {nf4Codec} from "./nf4.ts";
import {q4_0} from "./q4_0.ts";
import {q4_1} from "./q4_1.ts";
import {q5_0} from "./q5_0.ts";
import {q5_1} from "./q5_1.ts";
import {q8_0} from "./q8_0.ts";

/** A parsed format: its canonical text and the codec for a matrix of a given shape. */
export interface Format {
  /** canonical text, e.g. "q4_0", "int4:g32:asym", "nf4:b64" */
  name: string;
  codec(rows: number, cols: number): Codec;
}

export interface Scheme {
  /** how the format is written, e.g. "q4_0", "int<b>[:g<N>|:row|:tensor][:sym|:asym]" */
  syntax: string;
  /** one line for help texts */
  summary: string;
  /** the Format if head is this scheme's (throws invalid ... on bad options), else null */
  parse(head: string, options: string[]): Format | null;
}

/** A format without options: `format` (by default the codec for every shape). */
function fixed(codec: Codec, summary: string, format: Format = {name: codec.name, codec: () => codec}): Scheme {
  return {
    syntax: codec.name,
    summary: `${summary}; block ${codec.blockSize}, ${codec.blockBytes} bytes, ${codec.bpw} bpw`,
    parse(head, options) {
      if (head !== codec.name) return null;
      if (options.length) throw new Error(`invalid quant option: ${options[0]}`);
      return format;
    }
  };
}

/**
 * A K-quant: the codec itself on rows its super-block divides; on other rows the same codec `simulated` (one flat run,
 * matrix.ts), naming the type llama-quantize would store instead (f16 when even the fallback's block does not fit).
 */
function kQuant(codec: Codec, summary: string): Scheme {
  const type = ggmlTypeOf(codec)!;
  const byRow = new Map<number, Codec>();
  const simulated = (cols: number): Codec => {
    let c = byRow.get(cols);
    if (!c) {
      const stored = ggmlFallback(type, cols)!.toLowerCase();
      byRow.set(cols, (c = {...codec, simulated: `simulated: llama.cpp would store this tensor as ${stored}`}));
    }
    return c;
  };
  return fixed(codec, summary, {
    name: codec.name,
    codec: (_rows, cols) => (cols % codec.blockSize === 0 ? codec : simulated(cols))
  });
}

/** `<letter><N>` with N an integer accepted by ok(), else throws invalid <what>: <token>. */
function sizeOption(token: string, letter: string, what: string, ok: (n: number) => boolean): number {
  const n = Number(token.slice(1));
  if (token[0] !== letter || !/^\d+$/.test(token.slice(1)) || !ok(n)) throw new Error(`invalid ${what}: ${token}`);
  return n;
}

const powerOfTwo = (n: number) => (n & (n - 1)) === 0;

const intScheme: Scheme = {
  syntax: "int<b>[:g<N>|:row|:tensor][:sym|:asym]",
  summary:
    "generic b-bit grid (b = 2..8), absmax (sym) or min/max (asym) per group (16..256), row or tensor; fp32 scales",
  parse(head, options) {
    const m = /^int(\d+)$/.exec(head);
    if (!m) return null;
    const bits = Number(m[1]);
    if (bits < 2 || bits > 8) throw new Error(`invalid bits: ${head}`);
    let group: IntGroup = 32;
    let asym = false;
    const seen = new Set<string>();
    for (const o of options) {
      const kind = o === "sym" || o === "asym" ? "mode" : "group";
      if (seen.has(kind)) throw new Error(`invalid quant option: ${o}`);
      seen.add(kind);
      if (kind === "mode") asym = o === "asym";
      else if (o === "row" || o === "tensor") group = o;
      else if (o.startsWith("g")) group = sizeOption(o, "g", "group size", (n) => n >= 16 && n <= 256 && n % 16 === 0);
      else throw new Error(`invalid quant option: ${o}`);
    }
    const p = {bits, group, asym};
    return {name: intCodec(p, 1, 16).name, codec: (rows, cols) => intCodec(p, rows, cols)};
  }
};

const nf4Scheme: Scheme = {
  syntax: "nf4[:b<N>]",
  summary: "bitsandbytes NF4 levels, fp32 absmax per block (32..4096, power of two; default 64), 4.5 bpw at b64",
  parse(head, options) {
    if (head !== "nf4") return null;
    if (options.length > 1) throw new Error(`invalid quant option: ${options[1]}`);
    const block = options.length
      ? sizeOption(options[0]!, "b", "block size", (n) => n >= 32 && n <= 4096 && powerOfTwo(n))
      : 64;
    const codec = nf4Codec({block});
    return {name: codec.name, codec: () => codec};
  }
};

const llama2cScheme: Scheme = {
  syntax: "llama2c_q8[:g<N>]",
  summary: "llama2.c runq int8: fp32 scale per group (32..256, multiple of 32; default 64), round half to even",
  parse(head, options) {
    if (head !== "llama2c_q8") return null;
    if (options.length > 1) throw new Error(`invalid quant option: ${options[1]}`);
    const group = options.length
      ? sizeOption(options[0]!, "g", "group size", (n) => n >= 32 && n <= 256 && n % 32 === 0)
      : 64;
    const codec = llama2cQ8Codec({group});
    return {name: codec.name, codec: () => codec};
  }
};

export const SCHEMES: readonly Scheme[] = [
  fixed(q8_0, "ggml Q8_0: fp16 d, x = d·q"),
  fixed(q4_0, "ggml Q4_0: fp16 d, x = d·(q − 8), signed-max trick"),
  fixed(q4_1, "ggml Q4_1: fp16 d and min, x = d·q + m"),
  fixed(q5_0, "ggml Q5_0: fp16 d, x = d·(q − 16)"),
  fixed(q5_1, "ggml Q5_1: fp16 d and min, x = d·q + m"),
  kQuant(q6_k, "ggml Q6_K: 16 sub-blocks of 16, int8 scales, fp16 d, x = d·sc·q"),
  kQuant(q5_k, "ggml Q5_K: 8 sub-blocks of 32, 6-bit scales and mins, fp16 d and dmin, x = d·sc·q − dmin·m"),
  kQuant(q4_k, "ggml Q4_K: 8 sub-blocks of 32, 6-bit scales and mins, fp16 d and dmin, x = d·sc·q − dmin·m"),
  kQuant(q3_k, "ggml Q3_K: 16 sub-blocks of 16, 6-bit signed scales, fp16 d, x = d·(s − 32)·q"),
  kQuant(q2_k, "ggml Q2_K: 16 sub-blocks of 16, 4-bit scales and mins, fp16 d and dmin, x = d·sc·q − dmin·m"),
  fixed(iq4_nl, "ggml IQ4_NL: fp16 d, x = d·K[q] on a 16-value non-linear table"),
  fixed(f16, "IEEE half precision"),
  fixed(bf16, "bfloat16: the top 16 bits of a float32, rounded to nearest even"),
  intScheme,
  nf4Scheme,
  llama2cScheme
];

/** The Format named by text (one format, no overrides), e.g. "q4_0" or "int4:g32:asym". */
export function toFormat(text: string): Format {
  const [head, ...options] = text.trim().toLowerCase().split(":");
  for (const scheme of SCHEMES) {
    const format = scheme.parse(head!, options);
    if (format) return format;
  }
  throw new Error(`invalid quant format: ${text}`);
}

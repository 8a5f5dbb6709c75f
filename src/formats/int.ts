// Generic b-bit integer grids (b = 2..8) with one scale per group: the textbook schemes to set against ggml's.
//   sym:  s = amax/qmax, qmax = 2^(b−1) − 1, q = clamp(round(x/s), −qmax, qmax), x̂ = s·q
//   asym: s = (max − min)/(2^b − 1), m = min, q = clamp(round((x − m)/s), 0, 2^b − 1), x̂ = s·q + m (as Q4_1, no
//         forced zero)
// round = halves to even (torch.round / nearest_int); x/s is computed as x·(1/s) in float32, as ggml does.
// Groups: g16..g256 (a multiple of 16, along the row), `row` (one group per row: per-channel) or `tensor` (one scale
// for the whole matrix: per-tensor absmax).
// Bits per weight: b + 32/g (sym) or b + 64/g (asym) for groups; b + 32/cols per row; b + (32|64)/(rows·cols) per tensor.
// Byte layout of a group block: fp32 s (little-endian) | [asym: fp32 m] | ceil(g·b/8) bytes of codes, LSB-first (bits.ts),
// a code being q + 2^(b−1) (sym, offset binary) or q (asym). Per tensor: the matrix starts with a header
// fp32 s | [asym: fp32 m], and every row is a block of codes alone.
import type {Codec} from "./codec.ts";
import {readF32, writeF32} from "./fp16.ts";
import {roundHalfEven} from "./rounding.ts";
import {packedBytes, readCodes, writeCodes} from "./bits.ts";
import {blockMinMax, inverse} from "./ggml-block.ts";

export type IntGroup = number | "row" | "tensor";

export interface IntParams {
  /** bits per code, 2..8 */
  bits: number;
  /** values per scale: 16..256 (multiple of 16), "row" or "tensor" */
  group: IntGroup;
  /** asymmetric (scale + min) instead of symmetric absmax */
  asym: boolean;
}

/** Scale (and min) of one group: the statistics a block or the tensor header stores. */
function groupStats(x: Float32Array, o: number, n: number, p: IntParams): [number, number] {
  if (p.asym) {
    const [min, max] = blockMinMax(x, o, n);
    return [Math.fround((max - min) / ((1 << p.bits) - 1)), min];
  }
  let amax = 0;
  for (let j = 0; j < n; j++) amax = Math.max(amax, Math.abs(x[o + j]!));
  return [Math.fround(amax / ((1 << (p.bits - 1)) - 1)), 0];
}

export function intCodec(p: IntParams, rows: number, cols: number): Codec {
  const {bits, asym} = p;
  const perTensor = p.group === "tensor";
  const g = typeof p.group === "number" ? p.group : cols;
  const statBytes = asym ? 8 : 4;
  const headerBytes = perTensor ? statBytes : 0;
  const scaleBytes = perTensor ? 0 : statBytes;
  const blockBytes = scaleBytes + packedBytes(g, bits);
  const offset = asym ? 0 : 1 << (bits - 1);
  const qmin = asym ? 0 : -(offset - 1);
  const qmax = asym ? (1 << bits) - 1 : offset - 1;
  const codes = new Int32Array(g);
  const stats = (buf: Uint8Array, o: number): [number, number] => {
    const at = perTensor ? 0 : o;
    return [readF32(buf, at), asym ? readF32(buf, at + 4) : 0];
  };
  const writeStats = (buf: Uint8Array, o: number, [s, m]: [number, number]) => {
    writeF32(buf, o, s);
    if (asym) writeF32(buf, o + 4, m);
  };
  const name = `int${bits}:${typeof p.group === "number" ? `g${p.group}` : p.group}:${asym ? "asym" : "sym"}`;
  return {
    name,
    blockSize: g,
    blockBytes,
    headerBytes,
    bpw: perTensor ? bits + (headerBytes * 8) / (rows * cols) : (blockBytes * 8) / g,
    writeHeader: perTensor ? (out, w) => writeStats(out, 0, groupStats(w, 0, w.length, p)) : undefined,
    quantizeRef(out, o, x, xo, nBlocks) {
      for (let b = 0; b < nBlocks; b++, o += blockBytes, xo += g) {
        if (!perTensor) writeStats(out, o, groupStats(x, xo, g, p));
        const [s, m] = stats(out, o);
        const id = inverse(s);
        for (let j = 0; j < g; j++) {
          const q = roundHalfEven(Math.fround(Math.fround(x[xo + j]! - m) * id));
          codes[j] = Math.min(qmax, Math.max(qmin, q)) + offset;
        }
        writeCodes(out, o + scaleBytes, codes, g, bits);
      }
    },
    dequantize(out, oo, src, so, nBlocks) {
      for (let b = 0; b < nBlocks; b++, so += blockBytes, oo += g) {
        const [s, m] = stats(src, so);
        readCodes(codes, src, so + scaleBytes, g, bits);
        for (let j = 0; j < g; j++) out[oo + j] = (codes[j]! - offset) * s + m;
      }
    },
    dot(src, so, x, xo, nBlocks) {
      let sum = 0;
      for (let b = 0; b < nBlocks; b++, so += blockBytes, xo += g) {
        const [s, m] = stats(src, so);
        readCodes(codes, src, so + scaleBytes, g, bits);
        let sq = 0;
        let sx = 0;
        for (let j = 0; j < g; j++) {
          sq += (codes[j]! - offset) * x[xo + j]!;
          sx += x[xo + j]!;
        }
        sum += sq * s + sx * m;
      }
      return sum;
    }
  };
}

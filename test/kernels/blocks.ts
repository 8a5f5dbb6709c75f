// Random ggml blocks for the kernel tests: every code and sub-scale bit pattern a layout can hold, with the fp16
// scales set on purpose (ordinary, zero, the largest half, a subnormal).
import type {Codec} from "../../src/formats/codec.ts";
import {bf16} from "../../src/formats/bf16.ts";
import {f16} from "../../src/formats/f16.ts";
import {writeF16} from "../../src/formats/fp16.ts";
import {iq4_nl} from "../../src/formats/iq4_nl.ts";
import {q2_k} from "../../src/formats/q2_k.ts";
import {q3_k} from "../../src/formats/q3_k.ts";
import {q4_0} from "../../src/formats/q4_0.ts";
import {q4_1} from "../../src/formats/q4_1.ts";
import {q4_k} from "../../src/formats/q4_k.ts";
import {q5_0} from "../../src/formats/q5_0.ts";
import {q5_1} from "../../src/formats/q5_1.ts";
import {q5_k} from "../../src/formats/q5_k.ts";
import {q6_k} from "../../src/formats/q6_k.ts";
import {q8_0} from "../../src/formats/q8_0.ts";
import type {QuantizedMatrix} from "../../src/formats/matrix.ts";
import {fillLcg} from "./data.ts";

/** Byte offsets of the fp16 scale fields (d, and dmin or m) in one block of each layout. */
export const SCALE_FIELDS = new Map<Codec, readonly number[]>([
  [q8_0, [0]],
  [q4_0, [0]],
  [q4_1, [0, 2]],
  [q5_0, [0]],
  [q5_1, [0, 2]],
  [iq4_nl, [0]],
  [q2_k, [80, 82]],
  [q3_k, [108]],
  [q4_k, [0, 2]],
  [q5_k, [0, 2]],
  [q6_k, [208]]
]);
/** fp16 bit patterns of the edge scales: 0, the largest finite half, the smallest subnormal */
export const EDGE_HALVES = [0x0000, 0x7bff, 0x0001];

/** A seeded byte stream (the LCG of data.ts, top byte). */
export function lcgBytes(out: Uint8Array, seed: number): Uint8Array {
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/**
 * 16-bit floats from random bytes, kept finite and in a range whose sums stay finite: an fp16 with the all-ones
 * exponent gets another; a bf16's exponent is folded into 2^−20..2^20.
 */
export function finiteHalves(codec: Codec, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 2) {
    let h = bytes[i]! | (bytes[i + 1]! << 8);
    if (codec === f16 && (h & 0x7c00) === 0x7c00) h ^= 0x4000;
    if (codec === bf16) h = (h & 0x807f) | ((107 + (((h >> 7) & 0xff) % 41)) << 7);
    bytes[i] = h & 0xff;
    bytes[i + 1] = h >> 8;
  }
}

/**
 * A (rows, cols) matrix of random blocks in the arena. Block formats: random bytes, the fp16 scales then set to ±0.001..
 * 0.1, except every 5th block gets an edge scale (EDGE_HALVES in turn, d and the min scale independently).
 */
export function randomMatrix(
  bytes: (n: number) => Uint8Array,
  codec: Codec,
  rows: number,
  cols: number,
  seed: number
): QuantizedMatrix {
  const blocksPerRow = Math.floor(cols / codec.blockSize);
  const rowBytes = blocksPerRow * codec.blockBytes;
  const tailLen = cols - blocksPerRow * codec.blockSize;
  const data = lcgBytes(bytes(rows * rowBytes), seed);
  const fields = SCALE_FIELDS.get(codec);
  if (!fields) finiteHalves(codec, data);
  const scales = fillLcg(new Float32Array(rows * blocksPerRow * 2), seed + 1);
  for (let b = 0; fields && b < rows * blocksPerRow; b++) {
    fields.forEach((at, f) => {
      const o = b * codec.blockBytes + at;
      const v = scales[2 * b + f]!;
      if ((b + f) % 5 === 4) {
        const h = EDGE_HALVES[Math.floor(b / 5 + f) % EDGE_HALVES.length]!;
        data[o] = h & 0xff;
        data[o + 1] = h >> 8;
      } else writeF16(data, o, Math.sign(v) * (0.001 + 0.099 * Math.abs(v)));
    });
  }
  const tail = fillLcg(new Float32Array(rows * tailLen), seed + 2);
  return {codec, rows, cols, blocksPerRow, rowBytes, tailLen, data, tail, flat: false};
}

// The K-quants and IQ4_NL in the trait table (issue 17): spec names, bits per weight, and the flat run that simulates a
// K-quant on rows its 256-value super-block does not divide, with the type llama.cpp would store instead.
import {describe, expect, it} from "vitest";
import {dequantizeMatrix, dequantizeRow, matvecQuant, quantizeMatrix, tailNote} from "../../src/formats/matrix.ts";
import {subBlockLevels} from "../../src/formats/k-quants.ts";
import {SCHEMES, toFormat} from "../../src/formats/schemes.ts";
import {formatQuantSpec, parseQuantSpec} from "../../src/quant/spec.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {cosineData, gaussian} from "../quant/data.ts";

/** format, bits per weight (ggml-common.h block sizes), the type llama-quantize stores on rows of 64 */
const K_FORMATS: [string, number, string][] = [
  ["q2_k", 2.625, "iq4_nl"],
  ["q3_k", 3.4375, "iq4_nl"],
  ["q4_k", 4.5, "q5_0"],
  ["q5_k", 5.5, "q5_1"],
  ["q6_k", 6.5625, "q8_0"]
];
/** a flat row dotted in float against the dequantized matrix times x: reassociation only */
const FLAT_MATVEC_RTOL = 1e-5;

describe("toFormat(text) for the K-quants and IQ4_NL", () => {
  for (const [name, bpw] of [...K_FORMATS, ["iq4_nl", 4.5] as const]) {
    it(`toFormat("${name.toUpperCase()}") is ${name}, ${bpw} bits per weight, and the spec grammar keeps it`, () => {
      const format = toFormat(name.toUpperCase());
      expect(format.name).toBe(name);
      expect(format.codec(1, 256).bpw).toBe(bpw);
      expect(formatQuantSpec(parseQuantSpec(`${name.toUpperCase()},emb=${name}`))).toBe(`${name},token_embd=${name}`);
      expect(SCHEMES.find((s) => s.syntax === name)?.summary).toContain(`${bpw} bpw`);
    });
  }
  it('toFormat("q4_k:g32") refuses options', () => {
    expect(() => toFormat("q4_k:g32")).toThrow("invalid quant option: g32");
  });
});

describe("K-quant codecs on rows the super-block of 256 does not divide", () => {
  for (const [name, , stored] of K_FORMATS) {
    it(`toFormat("${name}").codec(rows, 64) is simulated: llama.cpp would store it as ${stored}`, () => {
      expect(toFormat(name).codec(64, 64).simulated).toBe(`simulated: llama.cpp would store this tensor as ${stored}`);
      expect(toFormat(name).codec(4, 512).simulated).toBeUndefined();
    });
  }
  it('toFormat("q4_k").codec(rows, 172) names f16: Q5_0\'s block of 32 does not divide 172 either', () => {
    expect(toFormat("q4_k").codec(3, 172).simulated).toBe("simulated: llama.cpp would store this tensor as f16");
  });
  it('toFormat("iq4_nl").codec(rows, 64) is not simulated: its block of 32 divides the rows', () => {
    expect(toFormat("iq4_nl").codec(64, 64).simulated).toBeUndefined();
  });
});

describe("quantizeMatrix(simulated K-quant, w, rows, cols): one flat run of super-blocks", () => {
  for (const [name] of K_FORMATS) {
    it(`quantizeMatrix(${name}, w, 64, 64) writes the bytes of the same 4096 values as one row, and reads them back`, () => {
      const w = cosineData(4096);
      const flat = quantizeMatrix(toFormat(name).codec(64, 64), w, 64, 64);
      const row = quantizeMatrix(toFormat(name).codec(1, 4096), w, 1, 4096);
      expect(flat.flat).toBe(true);
      expect(row.flat).toBe(false);
      expect(Array.from(flat.data)).toEqual(Array.from(row.data));
      const yFlat = new Float32Array(4096);
      const yRow = new Float32Array(4096);
      dequantizeMatrix(yFlat, flat);
      dequantizeMatrix(yRow, row);
      expect(Array.from(yFlat)).toEqual(Array.from(yRow));
      const r5 = new Float32Array(64);
      dequantizeRow(r5, flat, 5);
      expect(Array.from(r5)).toEqual(Array.from(yRow.subarray(320, 384)));
    });
  }
  it("quantizeMatrix(q4_k, w, 3, 100) pads the run of 300 values with zeros to 2 super-blocks and says so", () => {
    const w = gaussian(300, 0.02, 3);
    const q = quantizeMatrix(toFormat("q4_k").codec(3, 100), w, 3, 100);
    expect(q.data.byteLength).toBe(2 * 144);
    expect(tailNote(q)).toBe(
      "simulated: llama.cpp would store this tensor as f16 (rows of 100 are not a multiple of q4_k's super-block of " +
        "256: quantized as one run of 300 values in 2 super-blocks, the last padded with 212 zeros)"
    );
    const padded = new Float32Array(512);
    padded.set(w);
    const ref = quantizeMatrix(toFormat("q4_k").codec(1, 512), padded, 1, 512);
    expect(Array.from(q.data)).toEqual(Array.from(ref.data));
    const yRef = new Float32Array(512);
    dequantizeMatrix(yRef, ref);
    const y = new Float32Array(300);
    dequantizeMatrix(y, q);
    expect(Array.from(y)).toEqual(Array.from(yRef.subarray(0, 300)));
    const row2 = new Float32Array(100);
    dequantizeRow(row2, q, 2);
    expect(Array.from(row2)).toEqual(Array.from(yRef.subarray(200, 300)));
  });
  it("matvecQuant(out, x, flat q6_k) equals the dequantized matrix times x within FLAT_MATVEC_RTOL", () => {
    const [rows, cols] = [48, 64];
    const w = gaussian(rows * cols, 0.05, 4);
    const x = gaussian(cols, 1, 5);
    const q = quantizeMatrix(toFormat("q6_k").codec(rows, cols), w, rows, cols);
    const wHat = new Float32Array(w.length);
    dequantizeMatrix(wHat, q);
    const ref = Array.from({length: rows}, (_, r) => {
      let s = 0;
      for (let j = 0; j < cols; j++) s += wHat[r * cols + j]! * x[j]!;
      return s;
    });
    const out = new Float32Array(rows);
    matvecQuant(out, x, q);
    expectClose(out, ref, {atol: FLAT_MATVEC_RTOL * Math.max(...ref.map(Math.abs))});
  });
});

describe("codec.subBlocks.read(src, so): a K-quant super-block's stored scales", () => {
  for (const [name] of K_FORMATS) {
    it(`${name}: every dequantized value is a level of its sub-block, d·sc_j·q − dmin·m_j, exactly`, () => {
      const codec = toFormat(name).codec(1, 4096);
      const w = gaussian(4096, 0.02, 12);
      const q = quantizeMatrix(codec, w, 1, 4096);
      const y = new Float32Array(4096);
      dequantizeMatrix(y, q);
      const {size, read} = codec.subBlocks!;
      let codesUsed = 0;
      for (let b = 0; b < 16; b++) {
        const s = read(q.data, b * codec.blockBytes);
        expect(s.scales.length).toBe(256 / size);
        for (let j = 0; j < 256 / size; j++) {
          const levels = Array.from(subBlockLevels(s, j));
          const at = b * 256 + j * size;
          for (let i = 0; i < size; i++) expect(levels, `value ${at + i}`).toContain(y[at + i]!);
          codesUsed = Math.max(codesUsed, new Set(y.subarray(at, at + size)).size);
        }
      }
      expect(codesUsed).toBeGreaterThan(1); // the sub-blocks use more than one level: the check can fail
    });
  }
  it("q4_k: the 6-bit sub-scales and sub-mins read back as get_scale_min_k4 packs them", () => {
    const codec = toFormat("q4_k").codec(1, 256);
    const out = new Uint8Array(144);
    codec.quantizeRef(out, 0, cosineData(256), 0, 1);
    const s = codec.subBlocks!.read(out, 0);
    // ggml's packing: j < 4 in the low 6 bits of bytes 4+j (scale) and 8+j (min); j ≥ 4 split over bytes 12+j−4 …
    for (let j = 0; j < 4; j++) expect([s.scales[j], s.mins[j]]).toEqual([out[4 + j]! & 63, out[8 + j]! & 63]);
    for (let j = 4; j < 8; j++)
      expect([s.scales[j], s.mins[j]]).toEqual([
        (out[8 + j]! & 0xf) | ((out[j]! >> 6) << 4),
        (out[8 + j]! >> 4) | ((out[4 + j]! >> 6) << 4)
      ]);
    expect(Math.max(...s.scales)).toBe(63); // d = max scale / 63: the largest sub-scale is 63
  });
});

// ggml's importance-weighted quantizers (issue 23), checked by properties that can fail without ggml at hand: the
// importance-weighted error they are built to lower is lower, importance is a relative weight (scaling it by a power
// of two, which float32 carries exactly, changes no byte), Q8_0 ignores it as ggml does, make_qp_quants's fit, and
// the checks on the vector. Byte-for-byte agreement with ggml is the Q4_K fixture (test/cli/quantize-imatrix.test.ts)
// and, for every format, the harness comparison reported with the issue.
import {describe, expect, it} from "vitest";
import {makeQpQuants} from "../../src/formats/importance.ts";
import {dequantizeMatrix, quantizeMatrix} from "../../src/formats/matrix.ts";
import {toFormat} from "../../src/formats/schemes.ts";
import {expectClose} from "../helpers/expect-close.ts";

const WEIGHTED = ["q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "q4_0", "q4_1", "q5_0", "q5_1", "iq4_nl"];

/** deterministic LCG in [0, 1) */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/**
 * Gaussian values (σ 0.02) and an exponential importance with every 37th column ×50. No ×25 outlier channels here:
 * with them ggml's own Q2_K (matched byte for byte by the harness) gives a higher weighted error with the importance
 * than without for some seeds (2 of 6 tried), so "lower" is not a property of ggml's Q2_K on such data.
 */
function matrixAndImportance(rows: number, cols: number, seed: number): {x: Float32Array; qw: Float32Array} {
  const rnd = random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = 0.02 * gauss();
  const qw = new Float32Array(cols);
  for (let j = 0; j < cols; j++) qw[j] = -Math.log(rnd() + 1e-12) * (j % 37 === 0 ? 50 : 1);
  return {x, qw};
}

/** Σ qw[col]·(x − x̂)² of the matrix quantized with (or without) the importance */
function weightedError(format: string, x: Float32Array, rows: number, cols: number, qw: Float32Array, use: boolean) {
  const y = new Float32Array(x.length);
  dequantizeMatrix(y, quantizeMatrix(toFormat(format).codec(rows, cols), x, rows, cols, use ? qw : undefined));
  let s = 0;
  for (let i = 0; i < x.length; i++) s += qw[i % cols]! * (x[i]! - y[i]!) ** 2;
  return s;
}

describe("quantizeMatrix(codec, w, rows, cols, importance)", () => {
  for (const format of WEIGHTED) {
    it(`${format}: the importance-weighted squared error is lower with the importance than without`, () => {
      // rows of 512 (whole blocks), and rows of 64 for the K-quants: simulated, one run with the importance tiled
      const shapes = format.endsWith("_k")
        ? [
            [16, 512],
            [64, 64]
          ]
        : [
            [16, 512],
            [8, 96]
          ];
      for (const [rows, cols] of shapes) {
        for (const seed of [1, 2, 3]) {
          const {x, qw} = matrixAndImportance(rows!, cols!, seed);
          const without = weightedError(format, x, rows!, cols!, qw, false);
          const withImportance = weightedError(format, x, rows!, cols!, qw, true);
          expect(withImportance, `${rows}×${cols} seed ${seed}`).toBeLessThan(without);
        }
      }
    });
    it(`${format}: an importance scaled by 2^k quantizes to the same bytes (only relative weights matter)`, () => {
      const {x, qw} = matrixAndImportance(4, 512, 9);
      const codec = toFormat(format).codec(4, 512);
      const base = quantizeMatrix(codec, x, 4, 512, qw).data;
      for (const k of [-3, 5]) {
        const scaled = quantizeMatrix(
          codec,
          x,
          4,
          512,
          qw.map((v) => v * 2 ** k)
        ).data;
        expect(Buffer.from(scaled).equals(Buffer.from(base)), `2^${k}`).toBe(true);
      }
      expect(Buffer.from(quantizeMatrix(codec, x, 4, 512).data).equals(Buffer.from(base))).toBe(false);
    });
  }

  it("q8_0 ignores the importance, as ggml's quantize_q8_0 does", () => {
    const {x, qw} = matrixAndImportance(4, 512, 4);
    const codec = toFormat("q8_0").codec(4, 512);
    expect(Buffer.from(quantizeMatrix(codec, x, 4, 512, qw).data)).toEqual(
      Buffer.from(quantizeMatrix(codec, x, 4, 512).data)
    );
  });

  it("refuses an importance of the wrong length, non-finite or negative, and formats with no weighted quantizer", () => {
    const {x, qw} = matrixAndImportance(2, 256, 5);
    const q4k = toFormat("q4_k").codec(2, 256);
    expect(() => quantizeMatrix(q4k, x, 2, 256, qw.subarray(0, 255))).toThrow(
      "invalid importance: 255 values, expected 256 (one per column of rows of 256)"
    );
    const nan = qw.slice();
    nan[7] = NaN;
    expect(() => quantizeMatrix(q4k, x, 2, 256, nan)).toThrow("invalid importance: value 7 = NaN (an importance must");
    const negative = qw.slice();
    negative[3] = -1;
    expect(() => quantizeMatrix(q4k, x, 2, 256, negative)).toThrow("invalid importance: value 3 = -1");
    const dead = qw.slice();
    dead.fill(0, 32, 64);
    // a zero block of 32 is refused for the 32-value formats; inside a super-block of 256 the others carry the fit
    expect(() => quantizeMatrix(toFormat("q4_0").codec(2, 256), x, 2, 256, dead)).toThrow(
      "invalid importance: importance 0 for every value of block 1 (values 32–63 of a row)"
    );
    expect(() => quantizeMatrix(q4k, x, 2, 256, dead)).not.toThrow();
    expect(() => quantizeMatrix(q4k, x, 2, 256, new Float32Array(256))).toThrow(
      /importance 0 for every value of block 0/
    );
    // a simulated run (rows of 64) is checked on the importance as tiled along the run
    expect(() =>
      quantizeMatrix(toFormat("q4_k").codec(8, 64), x.subarray(0, 512), 8, 64, new Float32Array(64))
    ).toThrow(/values 0–255 of the run of all rows/);
    expect(() => quantizeMatrix(toFormat("int4").codec(2, 256), x, 2, 256, qw)).toThrow(
      /^invalid importance: int4\S* has no importance-weighted quantizer/
    );
  });
});

describe("makeQpQuants(n, nmax, x, L, w)", () => {
  it("codes in [0, nmax] whose weighted least-squares scale is the one returned; all-zero input gives 0", () => {
    const rnd = random(11);
    for (let t = 0; t < 50; t++) {
      const x = Float32Array.from({length: 8}, () => rnd() * 0.01);
      const w = Float32Array.from({length: 8}, () => 0.1 + rnd());
      const L = new Uint8Array(8);
      const scale = makeQpQuants(8, 63, x, L, w);
      expect(Math.max(...L)).toBeLessThanOrEqual(63);
      let sumlx = 0;
      let suml2 = 0;
      for (let i = 0; i < 8; i++) {
        sumlx += w[i]! * x[i]! * L[i]!;
        suml2 += w[i]! * L[i]! * L[i]!;
      }
      // float32 sums of 8 terms against double ones
      expectClose(scale, sumlx / suml2, {rtol: 1e-5}, `trial ${t}`);
      // the codes reproduce x to within about half a step of the scale
      for (let i = 0; i < 8; i++) expect(Math.abs(x[i]! - scale * L[i]!)).toBeLessThan(scale);
    }
    const L = new Uint8Array(4).fill(9);
    expect(makeQpQuants(4, 15, new Float32Array(4), L, new Float32Array(4).fill(1))).toBe(0);
    expect([...L]).toEqual([0, 0, 0, 0]);
  });
});

// llama.cpp's integer path in wasm (--act ggml): the activation converters give exactly the bytes of the src/formats
// codecs (x86 Q8_0, Q8_1 with its rounded sums, Q8_K with its bsums) on random, zero, tiny, huge and tied rows; the
// integer block dots of every format with a vec_dot kernel match the reference matvecVecDot (x through the same
// codec, dequantize, float64 dot): exactly where every float step is exact (unit scales, integer x), and within the
// float32 rounding bound otherwise, on random blocks with zero / max / subnormal scales and odd and small row counts.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ACT_QUANTIZERS, FUSED_KERNELS} from "../../src/kernels/wasm-kernels.ts";
import {createArena, createWasmKernels, type WasmKernels} from "../../src/kernels/index.ts";
import type {Codec} from "../../src/formats/codec.ts";
import {dequantizeRow, type QuantizedMatrix} from "../../src/formats/matrix.ts";
import {matvecVecDot, vecDotOf} from "../../src/formats/vec-dot.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {randomMatrix, SCALE_FIELDS} from "./blocks.ts";
import {fillLcg} from "./data.ts";
import {VEC_DOT_TOL} from "./tolerances.ts";

let wk: WasmKernels;
let arena: ReturnType<typeof createArena>;

beforeAll(async () => {
  arena = createArena({bytes: 64 << 20});
  wk = await createWasmKernels({arena, maxN: 1536});
});
afterAll(() => wk.close());

const N = 1536;

/** Rows to convert, each N values (6 Q8_K super-blocks, 48 blocks of 32), by what they test. */
const ROWS: Record<string, (x: Float32Array) => void> = {
  random: (x) => void fillLcg(x, 1, 3),
  zero: (x) => void x.fill(0),
  // subnormal float32 values and tiny normals: 127/amax overflows to inf, so x·id is inf or NaN
  tiny: (x) => {
    fillLcg(x, 2);
    for (let j = 0; j < x.length; j++) x[j] = x[j]! * (j < 512 ? 1e-40 : j < 1024 ? 1e-37 : 1e-30);
  },
  huge: (x) => {
    fillLcg(x, 3);
    for (let j = 0; j < x.length; j++) x[j] = x[j]! * 3e38;
  },
  // amax 127 (id = 1, Q8_K iscale = −1): x·id lands on k + ½, where the roundings differ
  ties: (x) => {
    for (let j = 0; j < x.length; j++) x[j] = j % 32 === 0 ? 127 : (j % 17) - 8 + 0.5;
  },
  // each 32-value block another regime: all zero, one non-zero value, equal magnitudes of both signs, random
  mixed: (x) => {
    fillLcg(x, 4, 10);
    for (let b = 0; b < x.length / 32; b++) {
      const o = 32 * b;
      if (b % 4 === 0) x.fill(0, o, o + 32);
      if (b % 4 === 1) x.fill(0, o + 1, o + 32);
      if (b % 4 === 2) for (let j = 0; j < 32; j++) x[o + j] = j % 2 ? -2.25 : 2.25;
    }
  }
};

describe("vecDotInput: the wasm converters write the codecs' bytes", () => {
  for (const [act] of ACT_QUANTIZERS)
    for (const [name, fill] of Object.entries(ROWS))
      it(`${act.name}: ${name} row`, () => {
        const x = arena.alloc(N);
        fill(x);
        const nb = N / act.blockSize;
        const ours = arena.allocBytes(nb * act.blockBytes);
        wk.vecDotInput(act, ours, x);
        const ref = new Uint8Array(nb * act.blockBytes);
        act.quantizeRef(ref, 0, x, 0, nb);
        const first = ours.findIndex((v, i) => v !== ref[i]);
        expect(first, `${act.name} ${name}: first differing byte`).toBe(-1);
      });

  it("refuses a row that is not whole blocks, naming the problem", () => {
    const [act] = [...ACT_QUANTIZERS.keys()].filter((c) => c.blockSize === 256);
    expect(() => wk.vecDotInput(act!, arena.allocBytes(292), arena.alloc(100))).toThrow(/invalid vecDotInput/);
  });
});

const FORMATS: readonly Codec[] = [...FUSED_KERNELS].filter(([, k]) => k.vecDot !== null).map(([c]) => c);

/** (rows, super-blocks of 256 per row): one row, odd counts, fewer rows than lanes; 32-value formats also get 1 block */
const SHAPES: readonly (readonly [number, number])[] = [
  [1, 256],
  [7, 512],
  [33, 768],
  [255, 1536]
];

/** Per row: Σ|w_j·x'_j| with x' the converted input (+ the min terms), the scale of any float32 rounding. */
function magnitudes(q: QuantizedMatrix, x: Float32Array): Float64Array {
  const {act} = vecDotOf(q);
  const nb = q.cols / act.blockSize;
  const blocks = new Uint8Array(nb * act.blockBytes);
  act.quantizeRef(blocks, 0, x, 0, nb);
  const xr = new Float32Array(q.cols);
  act.dequantize(xr, 0, blocks, 0, nb);
  const row = new Float32Array(q.cols);
  return Float64Array.from({length: q.rows}, (_, r) => {
    dequantizeRow(row, q, r);
    let s = 0;
    for (let j = 0; j < q.cols; j++) s += Math.abs(row[j]! * xr[j]!) + Math.abs(row[j]!) * Math.abs(x[j]!);
    return s;
  });
}

/** The wasm product (checking it took the fast path) and the reference. */
function run(q: QuantizedMatrix, x: Float32Array, label: string): {ours: Float32Array; ref: Float32Array} {
  const ours = arena.alloc(q.rows);
  const before = {...wk.calls};
  wk.quant.matvecVecDot(ours, x, q);
  expect(wk.calls.wasm - before.wasm, `${label}: wasm calls`).toBe(1);
  expect(wk.calls.fallback, `${label}: fallbacks`).toBe(before.fallback);
  const ref = new Float32Array(q.rows);
  matvecVecDot(ref, x, q);
  return {ours, ref};
}

describe("matvecVecDot: ggml's integer block dots in wasm vs the reference", () => {
  it("every block format but F16 / BF16 has an integer kernel", () => {
    expect(FORMATS.map((c) => c.name).sort()).toEqual(
      ["iq4_nl", "q2_k", "q3_k", "q4_0", "q4_1", "q4_k", "q5_0", "q5_1", "q5_k", "q6_k", "q8_0"].sort()
    );
  });

  for (const codec of FORMATS) {
    const shapes = codec.blockSize === 32 ? [...SHAPES, [5, 32] as const, [3, 96] as const] : SHAPES;
    for (const [rows, cols] of shapes)
      it(`${codec.name} ${rows}×${cols}: random blocks with edge scales, within VEC_DOT_TOL`, () => {
        const q = randomMatrix(arena.allocBytes, codec, rows, cols, rows * 31 + cols);
        const x = fillLcg(arena.alloc(cols), rows + cols + 1);
        const {ours, ref} = run(q, x, `${codec.name} ${rows}×${cols}`);
        const mag = magnitudes(q, x);
        const scale = (v: Float32Array) => Float64Array.from(v, (e, r) => e / (mag[r]! || 1));
        expectClose(scale(ours), scale(ref), VEC_DOT_TOL, `${codec.name} ${rows}×${cols}`);
      });

    it(`${codec.name} 9×512: unit scales and integer x, every float step exact: equal`, () => {
      const q = randomMatrix(arena.allocBytes, codec, 9, 512, 77);
      // d, dmin / m = 1.0 in every block: each block's term is an integer
      const fields = SCALE_FIELDS.get(codec)!;
      for (let o = 0; o < q.data.length; o += codec.blockBytes)
        for (const at of fields) {
          q.data[o + at] = 0x00;
          q.data[o + at + 1] = 0x3c;
        }
      // integers in [−8, 8] with 127 first in every block of 32: d_x = 1 (Q8_K: −1), codes = ±x
      const x = fillLcg(arena.alloc(512), 78, 8.5);
      for (let j = 0; j < 512; j++) x[j] = j % 32 === 0 ? 127 : Math.trunc(x[j]!);
      const mag = magnitudes(q, x);
      expect(Math.max(...mag), "partial sums stay exact in float32").toBeLessThan(2 ** 24);
      const {ours, ref} = run(q, x, `${codec.name} exact`);
      expect([...ours], `${codec.name} exact`).toEqual([...ref]);
    });
  }

  it("x all zero gives 0 in every row", () => {
    for (const codec of FORMATS) {
      const q = randomMatrix(arena.allocBytes, codec, 4, 256, 5);
      const {ours} = run(q, arena.alloc(256), codec.name);
      expect([...ours], codec.name).toEqual([0, 0, 0, 0]);
    }
  });

  it("a matrix with a float32 tail runs the reference and counts a fallback", () => {
    const [codec] = FORMATS;
    const q = {...randomMatrix(arena.allocBytes, codec!, 3, 64, 6), tailLen: 8, tail: new Float32Array(24)};
    const before = wk.calls.fallback;
    expect(() => wk.quant.matvecVecDot(arena.alloc(3), arena.alloc(72), q)).toThrow(/invalid vec_dot matrix/);
    expect(wk.calls.fallback).toBe(before + 1);
  });
});

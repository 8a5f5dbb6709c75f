// The fused wasm matvecs of every ggml block layout with float32 x (K-quants Q2_K…Q6_K, Q5_0, Q5_1, IQ4_NL, F16, BF16,
// and Q8_0 / Q4_0 / Q4_1 beside them), against the reference: the blocks dequantized with the src/formats codec, then
// a float32 matvec. The blocks are random bytes (every code and sub-scale bit pattern the layout can hold) with the
// fp16 scales set on purpose: ordinary, zero, the largest half and a subnormal; and blocks quantizeRef made from floats.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createArena, createWasmKernels, type WasmKernels} from "../../src/kernels/index.ts";
import {FUSED_KERNELS} from "../../src/kernels/wasm-kernels.ts";
import {bf16} from "../../src/formats/bf16.ts";
import type {Codec} from "../../src/formats/codec.ts";
import {f16} from "../../src/formats/f16.ts";
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
import {dequantizeMatrix, quantizeMatrix, type QuantizedMatrix} from "../../src/formats/matrix.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {randomMatrix} from "./blocks.ts";
import {fillLcg} from "./data.ts";
import {FUSED_TOL} from "./tolerances.ts";

const HALF_FORMATS: readonly Codec[] = [f16, bf16];
const FORMATS: readonly Codec[] = [q6_k, q4_k, q5_k, q3_k, q2_k, q5_0, q5_1, iq4_nl, f16, bf16, q8_0, q4_0, q4_1];

/** (rows, cols): fewer rows than a super-block, odd row counts, rows ending in a float32 tail (576 = 2·256 + 64) */
const SHAPES: readonly (readonly [number, number])[] = [
  [1, 256],
  [7, 512],
  [33, 768],
  [255, 1536],
  [64, 576]
];

let wk: WasmKernels;
let arena: ReturnType<typeof createArena>;

beforeAll(async () => {
  arena = createArena({bytes: 64 << 20});
  wk = await createWasmKernels({arena, maxN: 1536});
});
afterAll(() => wk.close());

/** The same matrix from quantizeRef on random floats (the blocks llama-quantize would write), placed in the arena. */
function quantizedMatrix(codec: Codec, rows: number, cols: number, seed: number): QuantizedMatrix {
  const q = quantizeMatrix(codec, fillLcg(new Float32Array(rows * cols), seed, 0.5), rows, cols);
  const data = arena.allocBytes(q.data.length);
  data.set(q.data);
  return {...q, data};
}

/**
 * The reference: W dequantized by the codec, times x, summed in float64; and each row's Σ|w·x|, the scale of the
 * float32 rounding any summation order carries.
 */
function reference(q: QuantizedMatrix, x: Float32Array): {y: Float64Array; mag: Float64Array} {
  const w = new Float32Array(q.rows * q.cols);
  dequantizeMatrix(w, q);
  const y = new Float64Array(q.rows);
  const mag = new Float64Array(q.rows);
  for (let r = 0; r < q.rows; r++) {
    for (let j = 0; j < q.cols; j++) {
      const p = w[r * q.cols + j]! * x[j]!;
      y[r] += p;
      mag[r] += Math.abs(p);
    }
  }
  return {y, mag};
}

/** Runs the wasm matvec (checking it took the fast path) and compares with the reference, scaled by Σ|w·x|. */
function check(q: QuantizedMatrix, x: Float32Array, label: string): void {
  const out = arena.alloc(q.rows);
  const before = {...wk.calls};
  wk.quant.matvecQuant(out, x, q);
  expect(wk.calls.wasm - before.wasm, `${label}: wasm calls`).toBe(1);
  expect(wk.calls.fallback, `${label}: fallbacks`).toBe(before.fallback);
  const {y, mag} = reference(q, x);
  const scale = (v: ArrayLike<number>) => Float64Array.from(v, (e, r) => e / (mag[r]! || 1));
  expectClose(scale(out), scale(y), FUSED_TOL, label);
}

describe("fused matvecQuant(out, x, q) on every ggml layout vs dequantize + fp32 matvec", () => {
  it("every format here has a fused kernel in the table", () => {
    for (const codec of FORMATS) expect(FUSED_KERNELS.has(codec), codec.name).toBe(true);
  });

  for (const codec of FORMATS) {
    for (const [rows, cols] of SHAPES) {
      if (cols < codec.blockSize) continue;
      it(`${codec.name} ${rows}×${cols}, random blocks with edge scales`, () => {
        const q = randomMatrix(arena.allocBytes, codec, rows, cols, rows * 7919 + cols);
        check(q, fillLcg(arena.alloc(cols), rows + cols), `${codec.name} ${rows}×${cols}`);
      });
    }

    it(`${codec.name} 48×512, blocks quantized from floats; x with zeros and large values`, () => {
      const q = quantizedMatrix(codec, 48, 512, 11);
      const x = fillLcg(arena.alloc(512), 12);
      for (let j = 0; j < 512; j += 7) x[j] = j % 2 ? 0 : 1e4 * Math.sign(x[j]!);
      check(q, x, `${codec.name} quantized`);
    });
  }

  for (const codec of HALF_FORMATS) {
    it(`${codec.name}: inf, NaN, subnormal and the largest value go through as the codec decodes them`, () => {
      // rows of 20 values (not a multiple of 8: the scalar tail runs too), one special value each at column 3
      const specials = codec === f16 ? [0x7c00, 0xfe00, 0x0001, 0x7bff] : [0x7f80, 0xffc1, 0x0001, 0x7f7f];
      const q = randomMatrix(arena.allocBytes, codec, specials.length, 20, 5);
      specials.forEach((h, r) => {
        q.data[r * 40 + 6] = h & 0xff;
        q.data[r * 40 + 7] = h >> 8;
        q.data[r * 40 + 38] = h & 0xff; // and in the scalar tail
        q.data[r * 40 + 39] = h >> 8;
      });
      const x = fillLcg(arena.alloc(20), 6);
      const out = arena.alloc(q.rows);
      wk.quant.matvecQuant(out, x, q);
      const {y} = reference(q, x);
      expect(Number.isFinite(out[0]!), "inf row").toBe(false);
      expect(Number.isNaN(out[1]!), "NaN row").toBe(true);
      expectClose(out.subarray(2), Float32Array.from(y.subarray(2)), {rtol: 1e-6}, `${codec.name} finite rows`);
    });
  }

  for (const [codec] of [...FUSED_KERNELS].filter(([, k]) => k.matmul))
    for (const [T, rows, cols] of [
      [1, 7, 512],
      [3, 33, 768],
      [4, 64, 576],
      [9, 255, 1536],
      [6, 5, 580]
    ] as const)
      it(`${codec.name} matmulQuant, ${T} tokens × ${rows}×${cols}: each token's row equals its matvecQuant`, () => {
        const q = randomMatrix(arena.allocBytes, codec, rows, cols, T * rows + cols);
        const x = fillLcg(arena.alloc(T * cols), T + rows);
        const out = arena.alloc(T * rows);
        const before = {...wk.calls};
        wk.quant.matmulQuant(out, x, T, q);
        expect(wk.calls.fallback, "fallbacks").toBe(before.fallback);
        expect(wk.calls.wasm - before.wasm, "one call per tile of 4 tokens").toBe(Math.ceil(T / 4));
        const row = arena.alloc(rows);
        for (let t = 0; t < T; t++) {
          wk.quant.matvecQuant(row, x.subarray(t * cols, (t + 1) * cols), q);
          expect(Array.from(out.subarray(t * rows, (t + 1) * rows)), `token ${t}`).toEqual(Array.from(row));
        }
      });

  it("a flat (simulated) K-quant matrix runs the reference and counts a fallback", () => {
    // 16 rows of 48: one run of 3 super-blocks across rows, as matrix.ts stores a K-quant on rows 256 does not divide
    const run = quantizedMatrix(q4_k, 3, 256, 9);
    const q = {...run, rows: 16, cols: 48, blocksPerRow: 48 / 256, rowBytes: (48 / 256) * 144, flat: true};
    const before = wk.calls.fallback;
    wk.quant.matvecQuant(arena.alloc(16), fillLcg(arena.alloc(48), 10), q);
    expect(wk.calls.fallback).toBe(before + 1);
  });
});

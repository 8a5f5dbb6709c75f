// The fused wasm matvecs over ggml blocks (Q8_0, Q4_0, Q4_1) and the Q8-activation integer path, against the
// src/quant reference kernels on the same quantized matrices, with whole rows and rows that end in a float32 tail.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createArena, createWasmKernels, referenceQuantKernels, type WasmKernels} from "../../src/kernels/index.ts";
import {q4_0} from "../../src/formats/q4_0.ts";
import {q4_1} from "../../src/formats/q4_1.ts";
import {q8_0} from "../../src/formats/q8_0.ts";
import {quantizeMatrix, type QuantizedMatrix} from "../../src/quant/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {fillLcg} from "./data.ts";
import {QUANT_TOL} from "./tolerances.ts";

let wk: WasmKernels;
let arena: ReturnType<typeof createArena>;
const reference = referenceQuantKernels();

beforeAll(async () => {
  arena = createArena({bytes: 32 << 20});
  wk = await createWasmKernels({arena, maxN: 1024});
});
afterAll(() => wk.close());

/** quantizeMatrix, with the packed blocks copied into the arena where the wasm kernels can read them. */
function quantizedInArena(codec: typeof q8_0, rows: number, cols: number, seed: number): QuantizedMatrix {
  const q = quantizeMatrix(codec, fillLcg(new Float32Array(rows * cols), seed, 0.5), rows, cols);
  const data = arena.allocBytes(q.data.length);
  data.set(q.data);
  return {...q, data};
}

describe("fused quantized matvec kernels vs the src/quant reference", () => {
  for (const [name, codec] of [
    ["q8_0", q8_0],
    ["q4_0", q4_0],
    ["q4_1", q4_1]
  ] as const) {
    for (const [rows, cols] of [
      [288, 288],
      [768, 288],
      [64, 172],
      [5, 32]
    ] as const) {
      const tail = cols % 32 ? ` (float32 tail of ${cols % 32})` : "";
      it(`matvecQuant(out, x, ${name} ${rows}×${cols}) matches the reference${tail}`, () => {
        const q = quantizedInArena(codec, rows, cols, rows + cols);
        const x = arena.alloc(cols);
        fillLcg(x, 3, 2);
        const out = arena.alloc(rows);
        const expected = new Float32Array(rows);
        reference.matvecQuant(expected, x, q);
        const before = {...wk.calls};
        wk.quant.matvecQuant(out, x, q);
        expect(wk.calls.wasm - before.wasm).toBe(1);
        expect(wk.calls.fallback).toBe(before.fallback);
        expectClose(out, expected, QUANT_TOL, `${name} fused`);
      });

      it(`matvecQuantQ8(out, x, ${name} ${rows}×${cols}) matches the reference integer path${tail}`, () => {
        const q = quantizedInArena(codec, rows, cols, rows * cols);
        const x = arena.alloc(cols);
        fillLcg(x, 4, 2);
        const out = arena.alloc(rows);
        const expected = new Float32Array(rows);
        reference.matvecQuantQ8(expected, x, q);
        const before = {...wk.calls};
        wk.quant.matvecQuantQ8(out, x, q);
        expect(wk.calls.wasm - before.wasm).toBe(1);
        expect(wk.calls.fallback).toBe(before.fallback);
        expectClose(out, expected, QUANT_TOL, `${name} integer`);
      });
    }
  }

  it("matvecQuant(out, x, q) with blocks outside the arena runs the reference and counts a fallback", () => {
    const q = quantizeMatrix(q8_0, fillLcg(new Float32Array(64 * 64), 5), 64, 64);
    const x = fillLcg(arena.alloc(64), 6);
    const out = arena.alloc(64);
    const expected = new Float32Array(64);
    reference.matvecQuant(expected, x, q);
    const before = wk.calls.fallback;
    wk.quant.matvecQuant(out, x, q);
    expect(wk.calls.fallback).toBe(before + 1);
    expectClose(out, expected, {atol: 1e-7}, "fallback");
  });
});

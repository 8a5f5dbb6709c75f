// A whole model on the wasm kernels against the same model on the reference ops (decode and prefill), and decode
// allocating nothing per token in the fp32, cached and fused modes, on both kernel sets: no arena allocation, no typed
// array constructed or viewed, and no byte of JS heap over a 100-step window (the counters: ./allocations.ts).
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {forward, loadModelFromBytes, prefill, seededCheckpoint, byteTokenizer, argmax} from "../../src/engine/index.ts";
import type {Transformer} from "../../src/engine/index.ts";
import {createFastModel, type WasmKernels} from "../../src/kernels/index.ts";
import {setQuant} from "../../src/quant/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {heapBytesPerStep, typedArraysMade} from "./allocations.ts";
import {LOGITS_TOL} from "./tolerances.ts";

const PREFILL = 12;
/** below the smallest heap object (12 bytes): no step allocates anything (see ./allocations.ts) */
const HEAP_BYTES_PER_STEP = 6;
let fast: {model: Transformer; fast: WasmKernels};
let reference: Transformer;

beforeAll(async () => {
  const checkpoint = seededCheckpoint();
  fast = await createFastModel(checkpoint, {prefillRows: PREFILL});
  reference = loadModelFromBytes(checkpoint, byteTokenizer()).model;
});
afterAll(() => fast.fast.close());

describe("createFastModel(checkpoint) on the wasm kernels", () => {
  it("forward(model, token, pos) gives the reference logits at every position, on the fast path only", () => {
    const before = {...fast.fast.calls};
    let token = 1;
    for (let pos = 0; pos < 20; pos++) {
      const got = forward(fast.model, token, pos);
      const want = forward(reference, token, pos);
      expectClose(got, want, LOGITS_TOL, `logits at ${pos}`);
      token = argmax(want);
    }
    expect(fast.fast.calls.fallback).toBe(before.fallback);
    expect(fast.fast.calls.wasm).toBeGreaterThan(before.wasm);
  });

  it(`prefill(model, tokens) of ${PREFILL} tokens gives the reference logits (tiled matmul)`, () => {
    const tokens = Array.from({length: PREFILL}, (_, i) => (i * 37 + 1) % 259);
    const before = fast.fast.calls.fallback;
    expectClose(prefill(fast.model, tokens, 0), prefill(reference, tokens, 0), LOGITS_TOL, "prefill logits");
    expect(fast.fast.calls.fallback).toBe(before);
  });

  it("decode allocates nothing per token over 100 steps: no arena allocation, no typed array, no JS heap bytes", () => {
    const {model} = fast;
    const before = {...fast.fast.calls};
    const steps = decodeSteps(model);
    steps(100); // warm-up
    const arenaBefore = fast.fast.arena.allocations;
    expect(typedArraysMade(() => steps(100))).toBe(0);
    expect(heapBytesPerStep(steps)).toBeLessThan(HEAP_BYTES_PER_STEP);
    expect(fast.fast.arena.allocations).toBe(arenaBefore);
    expect(fast.fast.calls.fallback).toBe(before.fallback);
  });

  it("decode on the reference kernels (fp32) allocates nothing per token either", () => {
    const steps = decodeSteps(reference);
    steps(100);
    expect(typedArraysMade(() => steps(100))).toBe(0);
    expect(heapBytesPerStep(steps)).toBeLessThan(HEAP_BYTES_PER_STEP);
  });
});

describe("decode allocates nothing per token in the cached and fused weight modes", () => {
  for (const [quant, weights, act] of [
    ["q8_0", "cached", "fp32"],
    ["q4_1", "cached", "q8_0"],
    ["q8_0", "fused", "fp32"],
    ["q4_0", "fused", "fp32"],
    ["q4_1", "fused", "q8_0"]
  ] as const) {
    it(`setQuant(model, {quant: ${quant}, weights: ${weights}, act: ${act}}) on the wasm kernels: 100 steps, nothing made, fast path only`, async () => {
      const {model, fast: k} = await createFastModel(seededCheckpoint());
      try {
        setQuant(model, {quant, weights, act});
        const steps = decodeSteps(model);
        steps(100); // warm-up; cached floats and placed blocks are made here, once
        const [arenaBefore, callsBefore] = [k.arena.allocations, {...k.calls}];
        expect(typedArraysMade(() => steps(100))).toBe(0);
        expect(heapBytesPerStep(steps)).toBeLessThan(HEAP_BYTES_PER_STEP);
        expect(k.arena.allocations).toBe(arenaBefore);
        expect(k.calls.fallback).toBe(callsBefore.fallback);
        expect(k.calls.wasm).toBeGreaterThan(callsBefore.wasm);
      } finally {
        k.close();
      }
    });

    // the TS reference of fused mode returns each row's dot from codec.dot: once several formats have run in a
    // process V8 may not inline that call and boxes the float it returns, so only the wasm kernels are held to this
    if (weights === "fused") continue;
    it(`setQuant(model, {quant: ${quant}, weights: ${weights}, act: ${act}}) on the reference kernels: 100 steps, nothing made`, () => {
      const model = loadModelFromBytes(seededCheckpoint(), byteTokenizer()).model;
      setQuant(model, {quant, weights, act});
      const steps = decodeSteps(model);
      steps(100);
      expect(typedArraysMade(() => steps(100))).toBe(0);
      expect(heapBytesPerStep(steps)).toBeLessThan(HEAP_BYTES_PER_STEP);
    });
  }
});

describe("the allocation counters can fail", () => {
  it("typedArraysMade(fn) counts constructions, subarray and slice", () => {
    const a = new Float32Array(8);
    expect(typedArraysMade(() => new Float32Array(4))).toBe(1);
    expect(typedArraysMade(() => a.subarray(2))).toBe(1);
    expect(typedArraysMade(() => a.slice(2))).toBe(1);
    expect(typedArraysMade(() => a.fill(1))).toBe(0);
  });

  it("heapBytesPerStep(run) sees one small object, one short array or one view per step, and nothing else", () => {
    const kept: unknown[] = Array.from({length: 1000}, () => null); // its storage exists before measuring
    const a = new Float32Array(8);
    const each = (make: (i: number) => unknown) => (steps: number) => {
      for (let i = 0; i < steps; i++) kept[i] = make(i);
    };
    expect(heapBytesPerStep(each((i) => ({i})))).toBeGreaterThanOrEqual(12);
    expect(heapBytesPerStep(each((i) => [i]))).toBeGreaterThanOrEqual(12);
    expect(heapBytesPerStep(each(() => a.subarray(1)))).toBeGreaterThanOrEqual(12);
    expect(heapBytesPerStep(each((i) => i))).toBeLessThan(HEAP_BYTES_PER_STEP);
  });
});

/** Greedy decode, `steps` at a time (positions cycle through 5..204 so the context never runs out). */
function decodeSteps(model: Transformer): (steps: number) => void {
  let token = 1;
  let pos = 5;
  return (steps) => {
    for (let i = 0; i < steps; i++) {
      token = argmax(forward(model, token, pos));
      pos = pos === 204 ? 5 : pos + 1;
    }
  };
}

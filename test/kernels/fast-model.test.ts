// A whole model on the wasm kernels against the same model on the reference ops (decode and prefill), and decode
// allocating nothing per token: no arena allocation, no typed array constructed or viewed, over 100 steps.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {forward, loadModelFromBytes, prefill, seededCheckpoint, byteTokenizer, argmax} from "../../src/engine/index.ts";
import type {Transformer} from "../../src/engine/index.ts";
import {createFastModel, type WasmKernels} from "../../src/kernels/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {LOGITS_TOL} from "./tolerances.ts";

const PREFILL = 12;
let fast: {model: Transformer; fast: WasmKernels};
let reference: Transformer;

beforeAll(async () => {
  const checkpoint = seededCheckpoint();
  fast = await createFastModel(checkpoint, {prefillRows: PREFILL});
  reference = loadModelFromBytes(checkpoint, byteTokenizer()).model;
});
afterAll(() => fast.fast.close());

/** Counts typed arrays constructed (through the globals) or cut (subarray/slice) while fn runs. */
function typedArraysMade(fn: () => void): number {
  const kinds = [
    "Float32Array",
    "Float64Array",
    "Int8Array",
    "Uint8Array",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array"
  ] as const;
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = kinds.map((k) => g[k]);
  const proto = Object.getPrototypeOf(Int8Array.prototype) as {subarray: unknown; slice: unknown};
  const {subarray, slice} = proto;
  let made = 0;
  for (const k of kinds)
    g[k] = new Proxy(g[k] as object, {
      construct(target, args, newTarget) {
        made++;
        return Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget);
      }
    });
  proto.subarray = function (this: Int8Array, ...args: number[]) {
    made++;
    return (subarray as (...a: number[]) => Int8Array).apply(this, args);
  };
  proto.slice = function (this: Int8Array, ...args: number[]) {
    made++;
    return (slice as (...a: number[]) => Int8Array).apply(this, args);
  };
  try {
    fn();
  } finally {
    kinds.forEach((k, i) => (g[k] = saved[i]));
    Object.assign(proto, {subarray, slice});
  }
  return made;
}

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

  // Fails today by exactly one view per step: forward() returns `s.logits.subarray(0, T·V)` on every call
  // (src/engine/forward.ts). Change requested from the engine: return a view made once per row count. Until then this
  // runs as an expected failure; when the engine is fixed it fails here, and `.fails` is to be removed.
  it.fails("decode allocates nothing per token over 100 steps: no arena allocation, no typed array made", () => {
    const {model} = fast;
    for (let pos = 0; pos < 5; pos++) forward(model, 1, pos); // warm-up
    const arenaBefore = fast.fast.arena.allocations;
    let token = 1;
    const made = typedArraysMade(() => {
      for (let pos = 5; pos < 105; pos++) token = argmax(forward(model, token, pos));
    });
    expect(fast.fast.arena.allocations).toBe(arenaBefore);
    expect(made).toBe(0);
  });

  it("typedArraysMade(fn) counts constructions, subarray and slice (the check can fail)", () => {
    const a = new Float32Array(8);
    expect(typedArraysMade(() => new Float32Array(4))).toBe(1);
    expect(typedArraysMade(() => a.subarray(2))).toBe(1);
    expect(typedArraysMade(() => a.slice(2))).toBe(1);
    expect(typedArraysMade(() => a.fill(1))).toBe(0);
  });

  it("decode makes exactly one typed array per step today, the logits view forward() returns", () => {
    for (let pos = 0; pos < 5; pos++) forward(fast.model, 1, pos);
    expect(
      typedArraysMade(() => {
        for (let pos = 5; pos < 105; pos++) forward(fast.model, 1, pos);
      })
    ).toBe(100);
  });

  it.fails("decode on the reference kernels (fp32) allocates nothing per token either (same engine view)", () => {
    for (let pos = 0; pos < 5; pos++) forward(reference, 1, pos);
    expect(
      typedArraysMade(() => {
        for (let pos = 5; pos < 105; pos++) forward(reference, 1, pos);
      })
    ).toBe(0);
  });
});

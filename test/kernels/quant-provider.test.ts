// The quant providers on the fast backend: fused mode runs the wasm fused kernels on blocks placed in the arena, the
// cached and dequant floats live in the model's weight region so the wasm fp32 kernels multiply with them, and every
// mode gives what the same mode gives on the plain TS kernels. stories260K: its w2 rows (172) end in a float32 tail.
import {afterAll, beforeAll, expect, it} from "vitest";
import {forward, prefill} from "../../src/engine/forward.ts";
import {loadModelFromBytes} from "../../src/engine/load.ts";
import type {Transformer} from "../../src/engine/transformer.ts";
import {createFastModel, type WasmKernels} from "../../src/kernels/index.ts";
import {quantMatrices, setQuant} from "../../src/quant/provider.ts";
import {setMatrices} from "../../src/engine/transformer.ts";
import {describeWithFixtures, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {maxRowRelDiff} from "../quant/data.ts";
import {LOGITS_TOL} from "./tolerances.ts";

/** fused vs cached (issue 4's bound): max|a − b| / max|b| per logits row, float reassociation in the dots only */
const FUSED_LOGITS_RTOL = 1e-5;

/**
 * act q8_0, wasm vs TS: x differs between the two runs by float32 reassociation (ELEMENTWISE_TOL), so quantizing it
 * to Q8_0 may round a value to the neighbouring code, a step of amax/127: the runs then agree only to the activation
 * quantization error itself (test/quant/provider.test.ts bounds that by 5e-2; measured here up to ~2e-2 on q4_1)
 */
const ACT_FLIP_LOGITS_RTOL = 5e-2;

const FORMATS = ["q8_0", "q4_0", "q4_1"] as const;
const PREFILL = 8;

describeWithFixtures("llama2c", "quant providers on the wasm kernels (stories260K)", () => {
  const TOKENS: number[] = readFixtureJson("llama2c", "stories260K-once-upon.json").input_tokens.slice(0, 16);
  let fast: {model: Transformer; fast: WasmKernels};
  let plain: Transformer;

  beforeAll(async () => {
    const checkpoint = readFixture("llama2c", "stories260K.bin");
    fast = await createFastModel(checkpoint, {prefillRows: PREFILL});
    plain = loadModelFromBytes(checkpoint, readFixture("llama2c", "tok512.bin")).model;
  });
  afterAll(() => fast.fast.close());

  /** Teacher-forced decode; returns a copy of every logits row. */
  const decode = (model: Transformer) => TOKENS.map((t, pos) => forward(model, t, pos).slice());

  /** Counts calls of the model's fused kernels (the wasm ones here) while fn runs. */
  function fusedCalls(model: Transformer, fn: () => void): number {
    const k = model.quantKernels!;
    const {matvecQuant, matvecQuantQ8} = k;
    let calls = 0;
    k.matvecQuant = (out, x, q) => (calls++, matvecQuant(out, x, q));
    k.matvecQuantQ8 = (out, x, q) => (calls++, matvecQuantQ8(out, x, q));
    try {
      fn();
    } finally {
      Object.assign(k, {matvecQuant, matvecQuantQ8});
    }
    return calls;
  }

  for (const quant of FORMATS) {
    it(`setQuant(model, {quant: ${quant}, weights: fused}) runs the wasm fused kernels within ${FUSED_LOGITS_RTOL} of cached`, () => {
      setQuant(fast.model, {quant, weights: "cached", act: "fp32"});
      const cached = decode(fast.model);
      setQuant(fast.model, {quant, weights: "fused", act: "fp32"});
      const before = {...fast.fast.calls};
      let fused: Float32Array[] = [];
      const calls = fusedCalls(fast.model, () => (fused = decode(fast.model)));
      const {nLayers} = fast.model.config;
      expect(calls).toBe(TOKENS.length * (7 * nLayers + 1)); // every matrix product went to the fused kernels
      expect(fast.fast.calls.fallback).toBe(before.fallback); // and none left the wasm path (blocks in the arena)
      expect(fast.fast.calls.wasm - before.wasm).toBeGreaterThanOrEqual(calls);
      expect(maxRowRelDiff(fused, cached)).toBeLessThanOrEqual(FUSED_LOGITS_RTOL);
    });

    it(`setQuant(model, {quant: ${quant}}) in cached, dequant and fused mode matches the plain TS kernels`, () => {
      for (const weights of ["cached", "dequant", "fused"] as const) {
        for (const act of ["fp32", "q8_0"] as const) {
          setQuant(fast.model, {quant, weights, act});
          setQuant(plain, {quant, weights, act});
          const before = fast.fast.calls.fallback;
          const got = decode(fast.model);
          expect(fast.fast.calls.fallback, `${weights} act ${act}: no fallback`).toBe(before);
          const want = decode(plain);
          if (act === "fp32") got.forEach((row, pos) => expectRowClose(row, want[pos]!, `${weights} at ${pos}`));
          else expect(maxRowRelDiff(got, want), `${weights} act q8_0`).toBeLessThanOrEqual(ACT_FLIP_LOGITS_RTOL);
        }
      }
    });
  }

  it("prefill(model, tokens) in fused mode on wasm gives the decode logits", () => {
    setQuant(fast.model, {quant: "q4_1", weights: "fused", act: "fp32"});
    const rows = prefill(fast.model, TOKENS.slice(0, PREFILL), 0).slice();
    const V = fast.model.config.vocabSize;
    const decoded = decode(fast.model).slice(0, PREFILL);
    decoded.forEach((row, t) => expectRowClose(rows.subarray(t * V, (t + 1) * V), row, `row ${t}`));
  });

  it("createFastModel(checkpoint, {regionBytes: 0}): fused mode falls back to the TS kernels, counted, same numbers", async () => {
    const bare = await createFastModel(readFixture("llama2c", "stories260K.bin"), {regionBytes: 0});
    try {
      expect(bare.model.weightRegion).toBeNull();
      setQuant(bare.model, {quant: "q4_0", weights: "fused"});
      setQuant(fast.model, {quant: "q4_0", weights: "fused", act: "fp32"});
      const before = bare.fast.calls.fallback;
      const got = decode(bare.model);
      expect(bare.fast.calls.fallback - before).toBeGreaterThanOrEqual(
        TOKENS.length * (7 * bare.model.config.nLayers + 1)
      );
      expect(maxRowRelDiff(got, decode(fast.model))).toBeLessThanOrEqual(FUSED_LOGITS_RTOL);
    } finally {
      bare.fast.close();
    }
  });

  it("two providers taking turns on one weight region each get their own floats and blocks back", () => {
    const a = quantMatrices(fast.model, {quant: "q4_0", weights: "fused"});
    const b = quantMatrices(fast.model, {quant: "q8_0", weights: "cached"});
    setMatrices(fast.model, a);
    const first = decode(fast.model);
    setMatrices(fast.model, b);
    const other = decode(fast.model);
    setMatrices(fast.model, a); // b emptied the region: a places its blocks again
    const again = decode(fast.model);
    expect(again).toEqual(first);
    expect(maxRowRelDiff(other, first)).toBeGreaterThan(0);
    setMatrices(fast.model, b);
    expect(decode(fast.model)).toEqual(other);
  });
});

function expectRowClose(a: Float32Array, b: Float32Array, label: string): void {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst, label).toBeLessThanOrEqual(LOGITS_TOL.atol);
}

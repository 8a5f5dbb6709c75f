// createModel(checkpoint, tokenizer, {kernels, threads}): the one entry the CLI, studio and host use to get a model on
// the best kernels; the wasm and TS backends give the same logits, and bad requests say what to do.
import {describe, expect, it} from "vitest";
import {byteTokenizer, seededCheckpoint} from "../../src/engine/default-model.ts";
import {createModel, toKernelSet} from "../../src/kernels/create-model.ts";
import {forward, prefill} from "../../src/engine/forward.ts";
import {spawnNodeWorker} from "../../src/kernels/threads.node.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** wasm kernels vs the reference ops: float32 reassociation through 4 layers */
const BACKEND_LOGITS_ATOL = 1e-4;

describe("createModel(checkpoint, tokenizer, spec)", () => {
  it("createModel(..., {kernels: wasm}) and {kernels: ts} give the same logits, and name their backend", async () => {
    const [wasm, ts] = [
      await createModel(seededCheckpoint(), byteTokenizer()),
      await createModel(seededCheckpoint(), byteTokenizer(), {kernels: "ts"})
    ];
    try {
      expect([wasm.backend, wasm.kernels, ts.backend, ts.kernels]).toEqual([
        "wasm-simd128 ×1 thread",
        "wasm",
        "plain TS kernels",
        "ts"
      ]);
      const tokens = [1, 40, 80, 120, 7];
      // a prefill of the whole context fits in the arena (prefillRows defaults to seq_len)
      expectClose(prefill(wasm.model, tokens), prefill(ts.model, tokens), {atol: BACKEND_LOGITS_ATOL}, "prefill");
      expectClose(forward(wasm.model, 9, 5), forward(ts.model, 9, 5), {atol: BACKEND_LOGITS_ATOL}, "decode");
      expect(wasm.calls!.fallback).toBe(0);
      expect(wasm.tokenizer.pieces).toHaveLength(259);
    } finally {
      wasm.close();
    }
  });

  it("createModel(..., {threads: 2, spawn}) splits the big products across two threads", async () => {
    const m = await createModel(seededCheckpoint(), byteTokenizer(), {threads: 2, spawn: spawnNodeWorker});
    try {
      expect(m.backend).toBe("wasm-simd128 ×2 threads");
      forward(m.model, 1, 0); // the classifier (259×128) is below the thread threshold; a prefill is not
      prefill(
        m.model,
        Array.from({length: 64}, (_, i) => i + 3),
        1
      );
      expect(m.calls!.parallel).toBeGreaterThan(0);
    } finally {
      m.close();
    }
  });

  it("createModel refuses bad requests with what to do", async () => {
    await expect(createModel(seededCheckpoint(), byteTokenizer(), {kernels: "gpu"})).rejects.toThrow(
      "invalid kernels: gpu"
    );
    await expect(createModel(seededCheckpoint(), byteTokenizer(), {threads: 2})).rejects.toThrow(
      /invalid threads: more than 1 needs spawn \(in Node: spawnNodeWorker/
    );
    await expect(createModel(seededCheckpoint(), byteTokenizer(), {maxBytes: 2 ** 20})).rejects.toThrow(
      /model needs [\d.]+ MiB of memory, more than the budget of 1\.0 MiB/
    );
    const ts = await createModel(seededCheckpoint(), byteTokenizer(), {kernels: "ts", threads: 2});
    expect(ts.backend).toBe("plain TS kernels (threads need --kernels wasm: 1 thread)");
  });

  it("toKernelSet(value) accepts ts and wasm in any case, refuses the rest", () => {
    expect([toKernelSet("TS"), toKernelSet(" wasm ")]).toEqual(["ts", "wasm"]);
    expect(() => toKernelSet("webgpu")).toThrow("invalid kernels: webgpu");
  });
});

// The notebooks' model choice: copies on the wasm kernels behind the memory guard, threads only where they can help.
import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG, DEFAULT_MODEL_FILES, prefill, toConfig} from "../../src/engine/index.ts";
import {createModel, MIN_PARALLEL_FLOPS} from "../../src/kernels/index.ts";
import {builtInChoice, notebookThreads} from "../../src/lessons/common/model-choice.ts";

const isolated = (cores: number) => ({crossOriginIsolated: true, navigator: {hardwareConcurrency: cores} as Navigator});
const TOKENS = [1, 5, 9, 42, 7];
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe("notebookThreads(config, scope)", () => {
  // a model whose classifier matvec alone (2 · dim · vocab FLOPs) is worth splitting, and one where nothing is
  const large = toConfig({dim: 288, hiddenDim: 768, nLayers: 6, nHeads: 6, vocabSize: 32000, seqLen: 256});
  const small = toConfig({dim: 64, hiddenDim: 192, nLayers: 4, nHeads: 4, vocabSize: 512, seqLen: 256});

  it("notebookThreads(config, scope) uses the cores, at most 4, for a large model on an isolated page", () => {
    expect(2 * large.dim * large.vocabSize).toBeGreaterThanOrEqual(MIN_PARALLEL_FLOPS);
    expect(notebookThreads(large, isolated(2))).toBe(2);
    expect(notebookThreads(large, isolated(16))).toBe(4);
  });

  it("notebookThreads(config, scope) is 1 without cross-origin isolation or when no matvec would be split", () => {
    expect(notebookThreads(large, {crossOriginIsolated: false, navigator: {hardwareConcurrency: 8} as Navigator})).toBe(
      1
    );
    expect(2 * small.dim * Math.max(small.vocabSize, small.hiddenDim)).toBeLessThan(MIN_PARALLEL_FLOPS);
    expect(notebookThreads(small, isolated(8))).toBe(1);
  });
});

describe("builtInChoice().open(options)", () => {
  it("builtInChoice().open() gives a copy on the wasm kernels, bitwise the engine's createModel", async () => {
    const copy = await builtInChoice().open();
    expect(copy.kernels).toBe("wasm");
    expect(copy.model.config).toEqual(DEFAULT_CONFIG);
    const {checkpoint, tokenizer} = DEFAULT_MODEL_FILES();
    const expected = prefill((await createModel(checkpoint, tokenizer)).model, TOKENS);
    expect(bits(prefill(copy.model, TOKENS))).toEqual(bits(expected));
  });

  it("builtInChoice().open({budget}) refuses before loading when the copy does not fit", async () => {
    await expect(builtInChoice().open({budget: {bytes: 1024, source: "test budget"}})).rejects.toThrow(
      /^not enough memory for the built-in model: needs [\d.]+ MiB, about 0\.0 MiB available \(test budget\); close/
    );
  });
});

import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG, modelBytes, weightsFloats} from "../../src/engine/index.ts";
import {guardWeightCache, loadNotebookModel} from "../../src/studio/model.ts";

const source = "test budget";

describe("loadNotebookModel(budget)", () => {
  it("loadNotebookModel(budget) loads the built-in model when it fits", () => {
    const {model, tokenizer} = loadNotebookModel({bytes: modelBytes(DEFAULT_CONFIG), source});
    expect(model.config).toEqual(DEFAULT_CONFIG);
    expect(tokenizer.pieces.length).toBe(DEFAULT_CONFIG.vocabSize);
  });
  it("loadNotebookModel(budget) refuses before allocating when the model does not fit", () => {
    expect(() => loadNotebookModel({bytes: modelBytes(DEFAULT_CONFIG) - 1, source})).toThrow(
      /^not enough memory for the built-in model: needs [\d.]+ MiB, about [\d.]+ MiB available \(test budget\); close other tabs/
    );
  });
});

describe("guardWeightCache(config, budget)", () => {
  const cacheBytes = 4 * weightsFloats(DEFAULT_CONFIG);
  it("guardWeightCache(config, budget) accepts a cache that fits and refuses one that does not", () => {
    expect(() => guardWeightCache(DEFAULT_CONFIG, {bytes: cacheBytes, source})).not.toThrow();
    expect(() => guardWeightCache(DEFAULT_CONFIG, {bytes: cacheBytes - 1, source})).toThrow(
      /not enough memory for the dequantized weight cache: .*; turn the weight cache off/
    );
  });
});

import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG, weightsFloats} from "../../src/engine/index.ts";
import {guardWeightCache} from "../../src/studio/model.ts";

const source = "test budget";

describe("guardWeightCache(config, budget)", () => {
  const cacheBytes = 4 * weightsFloats(DEFAULT_CONFIG);
  it("guardWeightCache(config, budget) accepts a cache that fits and refuses one that does not", () => {
    expect(() => guardWeightCache(DEFAULT_CONFIG, {bytes: cacheBytes, source})).not.toThrow();
    expect(() => guardWeightCache(DEFAULT_CONFIG, {bytes: cacheBytes - 1, source})).toThrow(
      /not enough memory for the dequantized weight cache: .*; turn the weight cache off/
    );
  });
});

// @vitest-environment jsdom
// The tensor-type map (issue 25): llama-quantize's Q4_K_M on the built-in model (every K-quant a fallback: rows of
// 64 and 192) and on rand-256's shapes (rows of 256 and 768: Q4_K with Q6_K in the use_more_bits layer and output).
import {describe, expect, it} from "vitest";
import type {Config} from "../../src/engine/index.ts";
import {tensorPlan, typeMapCells} from "../../src/lessons/real-models/index.ts";
import {tensorTypeMap} from "../../src/viz/index.ts";
import {snapshot} from "./snapshot.ts";

const shape = (dim: number, hiddenDim: number, nLayers: number, vocabSize: number, shared: boolean): Config => ({
  dim,
  hiddenDim,
  nLayers,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize,
  seqLen: 256,
  sharedClassifier: shared,
  headSize: dim / 4,
  kvDim: dim / 2
});
/** the built-in model's shape */
const BUILT_IN = shape(64, 192, 4, 768, true);
/** ../shared/fixtures/gguf's rand-256 */
const RAND_256 = shape(256, 768, 2, 512, false);

snapshot(function tensorTypeMapBuiltInQ4KM() {
  return tensorTypeMap(
    {cells: typeMapCells(tensorPlan(BUILT_IN, "preset=Q4_K_M"))},
    {title: "Q4_K_M on the built-in model", subtitle: "rows of 64 and 192: no K-quant fits"}
  );
});

snapshot(function tensorTypeMapRand256Q4KM() {
  return tensorTypeMap({cells: typeMapCells(tensorPlan(RAND_256, "preset=Q4_K_M"))}, {theme: "dark", width: 640});
});

snapshot(function tensorTypeMapEmpty() {
  return tensorTypeMap({cells: []});
});

describe("tensorTypeMap(data)", () => {
  it("one cell per matrix; fallbacks dashed and counted in a note", () => {
    const cells = typeMapCells(tensorPlan(BUILT_IN, "preset=Q4_K_M"));
    const svg = tensorTypeMap({cells});
    // tied classifier: token_embd and 7 matrices in each of 4 layers
    expect(svg.querySelectorAll(".gb-type-cell")).toHaveLength(1 + 7 * 4);
    // every layer matrix falls back (Q4_K → Q5_0, Q6_K → Q8_0); token_embd's rule picks Q8_0 itself
    expect(svg.querySelectorAll('.gb-type-cell rect[stroke-dasharray="4 3"]')).toHaveLength(7 * 4);
    expect(svg.querySelectorAll(".gb-note")[1]?.textContent).toMatch(/^\* 28 fallbacks/);
    const rand = tensorTypeMap({cells: typeMapCells(tensorPlan(RAND_256, "preset=Q4_K_M"))});
    expect(rand.querySelectorAll('.gb-type-cell rect[stroke-dasharray="4 3"]')).toHaveLength(0);
    expect(rand.querySelector('[data-tensor="blk.1.ffn_down.weight"]')?.getAttribute("data-type")).toBe("Q6_K");
    expect(rand.querySelector('[data-tensor="output.weight"]')?.getAttribute("data-type")).toBe("Q6_K");
  });
});

// a phone's width (342 px): the fallback note is cut to its count, the reasons stay in the tooltips
snapshot(function tensorTypeMapNarrow() {
  return tensorTypeMap({cells: typeMapCells(tensorPlan(BUILT_IN, "preset=Q4_K_M"))}, {width: 342});
});

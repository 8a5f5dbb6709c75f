// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {attentionHeads, attentionPattern, toAttentionOptions} from "../../src/viz/index.ts";
import {attentionPatterns, TOKENS} from "./data.ts";
import {snapshot} from "./snapshot.ts";

const T = TOKENS.length;

snapshot(function attentionLayer2Head3() {
  return attentionPattern(
    {pattern: attentionPatterns(4, T).subarray(3 * T * T, 4 * T * T), tokens: TOKENS},
    {layer: 2, head: 3}
  );
});

snapshot(function attentionHeadsLayer0() {
  return attentionHeads({patterns: attentionPatterns(6, T), nHeads: 6, tokens: TOKENS}, {layer: 0});
});

snapshot(function attentionHeadsDark() {
  return attentionHeads({patterns: attentionPatterns(8, 6), nHeads: 8, tokens: TOKENS.slice(0, 6)}, {theme: "dark"});
});

snapshot(function attentionEmpty() {
  return attentionPattern({pattern: [], tokens: []});
});

snapshot(function attentionNaN() {
  return attentionPattern({pattern: [1, NaN, 0.5, NaN], tokens: ["a", "b"]}, {causal: false});
});

describe("attentionPattern", () => {
  it("toAttentionOptions({layer, head}) names the head in the default title", () => {
    expect(toAttentionOptions({layer: 1, head: 2}).title).toBe("Attention, layer 1, head 2");
    expect(() => toAttentionOptions({head: -1})).toThrow("invalid head: -1");
    expect(() => toAttentionOptions({raster: "webgl" as never})).toThrow("invalid raster: webgl");
  });
  it("attentionPattern(data) leaves the causal half blank", () => {
    const svg = attentionPattern({pattern: attentionPatterns(1, 4), tokens: ["a", "b", "c", "d"]});
    expect(svg.querySelectorAll(".gb-cells rect").length).toBe((4 * 5) / 2);
  });
  it("attentionPattern(data) rejects a pattern that is not T × T", () => {
    expect(() => attentionPattern({pattern: [1, 0, 0], tokens: ["a", "b"]})).toThrow("invalid values: length 3");
  });
});

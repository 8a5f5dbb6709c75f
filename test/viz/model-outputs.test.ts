// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {diffTokens, logitLens, lossCurve, residualNorm, textDiff, tokenProbabilities} from "../../src/viz/index.ts";
import {lcg, TOKENS} from "./data.ts";
import {snapshot} from "./snapshot.ts";

snapshot(function lossCurveFp32VsQ4() {
  const rand = lcg(5);
  const steps = Array.from({length: 64}, (_, i) => i);
  const fp32 = steps.map((s) => 1.2 + 2.5 * Math.exp(-s / 8) + rand() * 0.3);
  return lossCurve(
    {
      series: [
        {name: "fp32", steps, loss: fp32},
        {name: "Q4_0", steps, loss: fp32.map((l) => l + 0.05 + rand() * 0.1)}
      ]
    },
    {xLabel: "position", title: "Per-token loss over a story"}
  );
});

snapshot(function lossCurveNonFinite() {
  return lossCurve({series: [{name: "run", steps: [0, 1, 2, 3], loss: [2, NaN, Infinity, 1.5]}]}, {yScale: "log"});
});

snapshot(function tokenProbabilitiesGirl() {
  return tokenProbabilities({
    fp32: [
      {token: " girl", p: 0.41},
      {token: " boy", p: 0.22},
      {token: " dog", p: 0.08},
      {token: " cat", p: 0.05}
    ],
    quantized: [
      {token: " boy", p: 0.33},
      {token: " girl", p: 0.3},
      {token: " dog", p: 0.09},
      {token: " bird", p: 0.04}
    ]
  });
});

snapshot(function tokenProbabilitiesEmpty() {
  return tokenProbabilities({fp32: [], quantized: [{token: "x", p: NaN}]});
});

snapshot(function residualNormLayers() {
  return residualNorm({
    series: [
      {name: "fp32", norms: [4.1, 6.3, 8.9, 12.2, 15.8, 19.4]},
      {name: "Q4_0", norms: [4.1, 6.4, 9.1, 12.6, 16.5, 20.3]}
    ]
  });
});

snapshot(function residualNormEmpty() {
  return residualNorm({series: [{name: "fp32", norms: []}]});
});

const lensTokens = TOKENS.slice(0, 6);
snapshot(function logitLensStory() {
  const preds = [" the", " time", " a", " time", ",", " there"];
  return logitLens({
    tokens: lensTokens,
    layers: ["0", "1", "2", "3", "4", "5"],
    top: Array.from({length: 6}, (_, l) =>
      lensTokens.map((_, i) => ({token: l < 3 ? " the" : preds[i]!, p: 0.1 + l * 0.14}))
    ),
    next: [" Once", " upon", " a", " time", ",", " there"]
  });
});

snapshot(function logitLensEmpty() {
  return logitLens({tokens: [], layers: [], top: []});
});

snapshot(function textDiffStory() {
  const fp32 = " She liked to play with her ball in the park every day .".split(/(?= )/);
  const q4 = " She liked to play with her red ball in the garden every day .".split(/(?= )/);
  return textDiff({reference: fp32, candidate: q4});
});

snapshot(function textDiffEmpty() {
  return textDiff({reference: [], candidate: []});
});

describe("model output charts", () => {
  it("diffTokens(a, b) keeps the longest common subsequence", () => {
    expect(diffTokens(["a", "b", "c"], ["a", "x", "c"]).map((o) => `${o.kind}:${o.token}`)).toEqual([
      "same:a",
      "added:x",
      "removed:b",
      "same:c"
    ]);
  });
  it("textDiff(data) names the first differing token", () => {
    expect(textDiff({reference: ["a", "b"], candidate: ["a", "c"]}).getAttribute("aria-label")).toContain(
      "first difference at token 1"
    );
  });
  it("tokenProbabilities(data) says when top-1 differs", () => {
    const el = tokenProbabilities({fp32: [{token: "a", p: 0.6}], quantized: [{token: "b", p: 0.6}]});
    expect(el.getAttribute("aria-label")).toContain("top-1 differs");
  });
  it("logitLens(data) rejects a table that does not match layers × positions", () => {
    expect(() => logitLens({tokens: ["a"], layers: ["0"], top: [[]]})).toThrow(
      "invalid top: expected 1 layers × 1 positions"
    );
  });
});

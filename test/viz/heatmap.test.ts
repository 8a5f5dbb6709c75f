// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {activationHeatmap, toHeatmapOptions} from "../../src/viz/index.ts";
import {activations, TOKENS} from "./data.ts";
import {snapshot} from "./snapshot.ts";

snapshot(function heatmapResidual() {
  return activationHeatmap(
    {values: activations(12, 64), rows: 12, cols: 64, rowLabels: TOKENS},
    {title: "blocks.3.hook_resid_post", subtitle: "12 positions × first 64 of 288 dims"}
  );
});

// the glass-box notebook's case: 11 tokens in a 274 px chart, every token labelled (smaller type, none skipped)
snapshot(function heatmapTokenRows() {
  return activationHeatmap(
    {values: activations(11, 64), rows: 11, cols: 64, rowLabels: TOKENS.slice(0, 11)},
    {height: 274, title: "What the token embedding adds"}
  );
});

// a phone's width (342 px): the ramp legend under the title instead of beside it
snapshot(function heatmapNarrow() {
  return activationHeatmap(
    {values: activations(11, 64), rows: 11, cols: 64, rowLabels: TOKENS.slice(0, 11)},
    {width: 342, height: 300, title: "Residual stream after the token embedding"}
  );
});

snapshot(function heatmapHeadsByPosition() {
  return activationHeatmap(
    {
      values: activations(6, 12, 9),
      rows: 6,
      cols: 12,
      colLabels: TOKENS,
      rowLabels: ["h0", "h1", "h2", "h3", "h4", "h5"]
    },
    {
      title: "Attention output norm per head",
      rowTitle: "head",
      colTitle: "position",
      positionAxis: "cols",
      theme: "dark"
    }
  );
});

snapshot(function heatmapEmpty() {
  return activationHeatmap({values: [], rows: 0, cols: 288});
});

snapshot(function heatmapNonFinite() {
  return activationHeatmap({values: [1, NaN, -2, Infinity, 0.5, NaN, -Infinity, 3], rows: 2, cols: 4});
});

snapshot(function heatmapLargeWithoutCanvas() {
  return activationHeatmap({values: activations(256, 768), rows: 256, cols: 768}, {title: "256 × 768 in jsdom"});
});

describe("activationHeatmap", () => {
  it("toHeatmapOptions({}) has the documented defaults", () => {
    const o = toHeatmapOptions({});
    expect([o.width, o.height, o.theme.name, o.scale, o.raster, o.link, o.positionAxis, o.unit]).toEqual([
      960,
      540,
      "light",
      "diverging",
      "auto",
      "tokens",
      "rows",
      "activation"
    ]);
  });
  it("toHeatmapOptions rejects unknown keywords and keys", () => {
    expect(() => toHeatmapOptions({scale: "rainbow" as never})).toThrow("invalid scale: rainbow");
    expect(() => toHeatmapOptions({theme: "sepia" as never})).toThrow("invalid theme: sepia");
    expect(() => toHeatmapOptions({colour: "red"} as never)).toThrow("invalid option: colour");
    expect(() => toHeatmapOptions({domain: [1, -1]})).toThrow("invalid domain: 1,-1");
  });
  it("activationHeatmap(data) rejects values that do not match rows × cols", () => {
    expect(() => activationHeatmap({values: [1, 2, 3], rows: 2, cols: 2})).toThrow(
      "invalid values: length 3, expected rows × cols = 2 × 2 = 4"
    );
  });
  it("activationHeatmap(data) centres the diverging scale on zero", () => {
    const svg = activationHeatmap({values: [-1, 4], rows: 1, cols: 2});
    expect(svg.getAttribute("aria-label")).toContain("diverging colour scale from −4 to 4");
  });
});

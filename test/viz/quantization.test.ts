// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {
  blockSqnrHeatmap,
  errorHistogram,
  quantizationGrid,
  sqnrVsBits,
  weightHistogram,
  layerBars
} from "../../src/viz/index.ts";
import {toLayerBarsOptions} from "../../src/viz/index.ts";
import {weights} from "./data.ts";
import {snapshot} from "./snapshot.ts";

const GROUP = 32;

/** Symmetric absmax int4 (levels -8..7 · amax/8), scalar: enough to make realistic pictures without src/quant. */
function int4(w: Float32Array): {q: Float32Array; scales: Float32Array} {
  const q = new Float32Array(w.length);
  const scales = new Float32Array(w.length / GROUP);
  for (let g = 0; g < scales.length; g++) {
    let amax = 0;
    for (let i = g * GROUP; i < (g + 1) * GROUP; i++) amax = Math.max(amax, Math.abs(w[i]!));
    const d = amax / 7;
    scales[g] = d;
    for (let i = g * GROUP; i < (g + 1) * GROUP; i++)
      q[i] = d ? Math.max(-8, Math.min(7, Math.round(w[i]! / d))) * d : 0;
  }
  return {q, scales};
}

const w = weights(4096);
const {q, scales} = int4(w);
const CODE = Array.from({length: 16}, (_, i) => i - 8);

snapshot(function weightHistogramInt4Group() {
  const levels = CODE.map((c) => c * scales[0]!);
  return weightHistogram(
    {weights: w, dequantized: q, levels, clip: [-8 * scales[0]!, 7 * scales[0]!]},
    {subtitle: "4096 weights of wq (σ 0.02), grid of group 0", yScale: "log"}
  );
});

snapshot(function weightHistogramNonFinite() {
  return weightHistogram({weights: [0.1, NaN, -0.2, Infinity, 0.05, 0.1]});
});

snapshot(function weightHistogramEmpty() {
  return weightHistogram({weights: []}, {theme: "dark"});
});

snapshot(function errorHistogramInt4() {
  return errorHistogram({weights: w, dequantized: q});
});

// a phone's width (342 px): fewer ticks, none running into the next
snapshot(function errorHistogramNarrow() {
  return errorHistogram({weights: w, dequantized: q}, {width: 342, title: "Quantization error of l0.wq"});
});

snapshot(function errorHistogramEmpty() {
  return errorHistogram({weights: [], dequantized: []});
});

snapshot(function quantizationGridInt4() {
  return quantizationGrid(
    {weights: w, dequantized: q, groupSize: GROUP, scales, codebook: CODE},
    {start: 0, count: 96}
  );
});

snapshot(function quantizationGridNaN() {
  return quantizationGrid({
    weights: [0.1, NaN, 0.3, -0.2],
    dequantized: [0.1, 0, 0.25, -0.25],
    groupSize: 2,
    scales: [0.05, 0.05],
    codebook: CODE
  });
});

snapshot(function blockSqnrWq() {
  const rows = 16;
  const cols = 9;
  const sqnr = Float32Array.from({length: rows * cols}, (_, i) => 20.3 + Math.cos(i * 1.7) * 1.2 - (i === 40 ? 9 : 0));
  return blockSqnrHeatmap({sqnr, rows, cols}, {subtitle: "Q4_0, first 16 rows of layers.0.wq (288 = 9 blocks of 32)"});
});

// the quantization-error notebook's case: a 64 × 64 tensor in Q4_0 has 64 rows of 2 blocks (drawn turned)
snapshot(function blockSqnrTallTensor() {
  const rows = 64;
  const sqnr = Float32Array.from({length: rows * 2}, (_, i) => 21.5 + Math.cos(i * 2.3) * 1.4 - (i === 109 ? 4 : 0));
  return blockSqnrHeatmap(
    {sqnr, rows, cols: 2},
    {height: 248, title: "SQNR per block of l0.wq (32 weights per block)"}
  );
});

snapshot(function blockSqnrEmpty() {
  return blockSqnrHeatmap({sqnr: [], rows: 0, cols: 0});
});

snapshot(function sqnrVsBitsSchemes() {
  return sqnrVsBits({
    points: [
      {label: "Q8_0", bits: 8.5, sqnr: 45.43},
      {label: "Q6_K", bits: 6.5625, sqnr: 35.01},
      {label: "Q5_0", bits: 5.5, sqnr: 27.39},
      {label: "Q4_0", bits: 4.5, sqnr: 21.32},
      {label: "NF4", bits: 4.5, sqnr: 20.73, family: "codebook"},
      {label: "int4 g32", bits: 5, sqnr: 20.26, family: "codebook"}
    ]
  });
});

// the quantization-error notebook's 14 formats on l0.wq of the built-in model (fp32 group scales: int<b>:g32 is b + 1
// bits), several at the same bits per weight; int2 and int8:g32 need a label set well aside to find room
snapshot(function sqnrVsBitsNotebook() {
  const f = (label: string, family: string, bits: number, sqnr: number) => ({label, family, bits, sqnr});
  return sqnrVsBits(
    {
      points: [
        f("q8_0", "ggml", 8.5, 46.5),
        f("q5_1", "ggml", 6, 29.1),
        f("q5_0", "ggml", 5.5, 28.4),
        f("q4_1", "ggml", 5, 22.9),
        f("q4_0", "ggml", 4.5, 22.2),
        f("nf4:b64", "NF4", 4.5, 20.8),
        ...(
          [
            [2, 4.06],
            [3, 13.9],
            [4, 21.3],
            [5, 27.8],
            [6, 34.1],
            [8, 46.5]
          ] as const
        ).map(([b, sqnr]) => f(`int${b}:g32:sym`, "int g32", b + 1, sqnr)),
        f("int4:row:sym", "int per row", 4.5, 20.6),
        f("int8:row:sym", "int per row", 8.5, 45.7)
      ]
    },
    {height: 380, title: "SQNR against bits per weight, l0.wq"}
  );
});

// the notebook's per-tensor bars: 30 tensors, every one labelled
snapshot(function layerBarsPerTensor() {
  const names = [
    "emb",
    ...[0, 1, 2, 3].flatMap((l) => ["wq", "wk", "wv", "wo", "w1", "w2", "w3"].map((m) => `l${l}.${m}`)),
    "cls"
  ];
  return layerBars(
    {layers: names.map((label, i) => ({label, value: 21.5 + Math.cos(i) * 0.6}))},
    {height: 320, rowTitle: "tensor", title: "SQNR per tensor, q4_0"}
  );
});

snapshot(function sqnrVsBitsEmpty() {
  return sqnrVsBits({points: []});
});

snapshot(function layerBarsSqnr() {
  return layerBars({layers: [21.4, 20.9, 20.1, 19.2, 20.6, 21.0].map((value, i) => ({label: String(i), value}))});
});

snapshot(function layerBarsSensitivity() {
  return layerBars(
    {layers: [0.012, 0.004, 0.003, NaN, 0.002, 0.021].map((value, i) => ({label: String(i), value}))},
    {metric: "sensitivity"}
  );
});

// the notebook's sensitivity bars: a unit longer than the value axis goes on two lines, clear of the title
snapshot(function layerBarsSensitivityShort() {
  return layerBars(
    {layers: [0.012, 0.004, 0.003, 0.002].map((value, i) => ({label: String(i), value}))},
    {metric: "sensitivity", height: 320, title: "Sensitivity to q4_0, one layer at a time"}
  );
});

snapshot(function layerBarsEmpty() {
  return layerBars({layers: []}, {metric: "kld"});
});

describe("quantization charts", () => {
  it("weightHistogram(data) counts clipped weights in the note and summary", () => {
    const svg = weightHistogram({weights: [-1, 0, 0.5, 2], clip: [-0.5, 1]});
    expect(svg.getAttribute("aria-label")).toContain("2 clipped");
    expect(svg.querySelector(".gb-note")?.textContent).toBe("2 of 4 weights outside [−0.5, 1] are clipped");
  });
  it("errorHistogram(data) reports SQNR = 10·log10(Σw² / Σ(w−ŵ)²)", () => {
    const svg = errorHistogram({weights: [1, -1], dequantized: [0.9, -0.9]});
    expect(svg.getAttribute("aria-label")).toContain("SQNR 20 dB");
  });
  it("sqnrVsBits(data) fits the 6 dB-per-bit guide offset to the points", () => {
    const svg = sqnrVsBits({
      points: [
        {label: "a", bits: 4, sqnr: 24.08 + 1},
        {label: "b", bits: 8, sqnr: 48.16 - 1}
      ]
    });
    expect(svg.querySelector(".gb-legend")?.textContent).toContain("c = 0 dB");
  });
  it("toLayerBarsOptions rejects unknown metrics", () => {
    expect(() => toLayerBarsOptions({metric: "ppl" as never})).toThrow("invalid metric: ppl");
  });
  it("quantizationGrid(data) rejects scales that do not match the groups", () => {
    expect(() =>
      quantizationGrid({weights: [1, 2, 3], dequantized: [1, 2, 3], groupSize: 2, scales: [1], codebook: CODE})
    ).toThrow("invalid scales: length 1, expected 2");
  });
});

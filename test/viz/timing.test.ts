// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {costVsLength, memoryBar, timingLayers, timingSteps} from "../../src/viz/index.ts";
import {lcg} from "./data.ts";
import {snapshot} from "./snapshot.ts";

const rand = lcg(11);
const step = (getW: number) => ({
  get_w: getW,
  matmul: 3.1 + rand(),
  attention: 0.6 + rand() * 0.2,
  norm: 0.15,
  rope: 0.1,
  activation: 0.2,
  sampling: 0.3,
  other: 0.12
});

snapshot(function timingStepsDequant() {
  return timingSteps(
    {
      steps: [
        {label: "prefill", times: step(4.2)},
        ...Array.from({length: 9}, (_, i) => ({label: String(i + 1), times: step(4.2)}))
      ]
    },
    {title: "Q4_0 dequant every step: time per token"}
  );
});

snapshot(function timingStepsNaN() {
  return timingSteps({
    steps: [
      {label: "1", times: {get_w: NaN, matmul: 2}},
      {label: "2", times: {get_w: -1, matmul: 2}}
    ]
  });
});

snapshot(function timingStepsEmpty() {
  return timingSteps({steps: []}, {theme: "dark"});
});

snapshot(function timingLayersStories15M() {
  return timingLayers({layers: Array.from({length: 6}, () => step(0.7))});
});

snapshot(function costVsLengthModes() {
  const seqLen = [1, 2, 4, 8, 16, 32, 64, 128, 256];
  return costVsLength({
    series: [
      {name: "fp32", seqLen, ms: seqLen.map((n) => 4 + n * 0.01)},
      {name: "Q4_0 dequant, prefill", seqLen, ms: seqLen.map((n) => 4 + 4.2 / n + n * 0.01)},
      {name: "Q4_0 dequant, decode", seqLen, ms: seqLen.map((n) => 8.2 + n * 0.01)},
      {name: "Q4_0 cached", seqLen, ms: seqLen.map((n) => 4.1 + n * 0.01)}
    ]
  });
});

snapshot(function costVsLengthEmpty() {
  return costVsLength({series: []});
});

snapshot(function memoryBarStories15M() {
  return memoryBar(
    {
      memory: {fp32: 60_816_028, packed: 17_104_508, cached: 60_816_028},
      readPerToken: {fp32: 60_816_028, packed: 17_104_508, cached: 60_816_028}
    },
    {subtitle: "stories15M, Q4_0"}
  );
});

// the narrowest chart a notebook draws (320 px) with the longest row labels: the labels give way, not the bars
snapshot(function memoryBarNarrow() {
  return memoryBar(
    {
      memory: {fp32: 983_040, packed: 138_240, cached: 983_040},
      readPerToken: {fp32: 983_040, packed: 138_240, cached: 983_040}
    },
    {width: 320, height: 360, title: "Weight memory and bytes read per token, q4_0"}
  );
});

snapshot(function memoryBarNaN() {
  return memoryBar({memory: {fp32: NaN, packed: 1024, cached: Infinity}});
});

describe("timing charts", () => {
  it("timingSteps(data) states the get_w share and hatches get_w", () => {
    const svg = timingSteps({steps: [{label: "1", times: {get_w: 1, matmul: 3}}]});
    expect(svg.querySelector(".gb-subtitle")?.textContent).toBe("get_w 25.0% of 4 ms");
    expect(svg.querySelector(".gb-part-get_w rect[fill^='url(']")).not.toBeNull();
  });
  it("timingSteps(data) rejects unknown categories", () => {
    expect(() => timingSteps({steps: [{label: "1", times: {getw: 1} as never}]})).toThrow("invalid category: getw");
  });
});

// @vitest-environment jsdom
// A K-quant super-block drawn (issue 17): its stored scales (d, dmin, the integer sub-scales and sub-mins) and its
// grid, one per sub-block, on the shared example weights.
import {describe, expect, it} from "vitest";
import {outlierBlock, subBlockStrip, superBlockGrid} from "../../src/lessons/experiments/index.ts";
import {quantizationGrid, subBlockScales} from "../../src/viz/index.ts";
import {weights} from "./data.ts";
import {snapshot} from "./snapshot.ts";

const w = weights(4096);
/** the sub-block of super-block 0 holding its largest weight: d is set by it, so its sub-scale is 63 */
const outlier = outlierBlock(w.subarray(0, 256), 32);

const q4k = superBlockGrid("q4_k", w, 64, 64, 0)!;
const q6k = superBlockGrid("q6_k", w, 64, 64, 0)!;

snapshot(function subBlockScalesQ4K() {
  return subBlockScales(
    {...q4k.scales, size: q4k.size},
    {
      title: "Q4_K super-block 0 of wq (simulated)",
      mark: outlier,
      markLabel: "holds the largest weight"
    }
  );
});

snapshot(function subBlockScalesQ6K() {
  return subBlockScales({...q6k.scales, size: q6k.size}, {title: "Q6_K super-block 0", theme: "dark"});
});

snapshot(function subBlockScalesEmpty() {
  return subBlockScales({d: 0, dmin: 0, scales: [], mins: [], scaleBits: 6, signed: false, size: 32});
});

snapshot(function quantizationGridQ4KSubBlocks() {
  return quantizationGrid(subBlockStrip(q4k, outlier, 3), {
    count: 96,
    title: `Q4_K sub-blocks ${outlier}–${outlier + 2} of super-block 0`,
    subtitle: "each sub-block of 32 has its own grid: d·sc·q − dmin·m, q = 0..15"
  });
});

describe("subBlockScales(data, spec)", () => {
  it("subBlockScales(q4_k super-block) lists d, dmin and every sc/m pair in its summary", () => {
    const svg = subBlockScales({...q4k.scales, size: 32});
    const label = svg.getAttribute("aria-label")!;
    expect(label).toContain(`sc/m ${Array.from(q4k.scales.scales, (s, j) => `${s}/${q4k.scales.mins[j]}`).join(", ")}`);
    expect(q4k.scales.scales[outlier]).toBe(63);
    expect(svg.querySelectorAll(".gb-marks rect").length).toBe(2 * 8);
  });
  it("subBlockScales(data) rejects mins of the wrong length", () => {
    expect(() =>
      subBlockScales({d: 1, dmin: 1, scales: [1, 2], mins: [1], scaleBits: 6, signed: false, size: 32})
    ).toThrow("invalid mins: length 1, expected 2");
  });
});

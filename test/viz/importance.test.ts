// @vitest-environment jsdom
// The importance-per-column chart (issue 23): llama-imatrix-like importance (a few columns far above the rest) beside
// mean |w| per column, both relative to their mean on a log axis; the empty and the mismatched cases.
import {describe, expect, it} from "vitest";
import {importanceColumns} from "../../src/viz/index.ts";
import {lcg, normal} from "./data.ts";
import {snapshot} from "./snapshot.ts";

/** 192 columns: exponential importance with columns 5, 77 and 140 ×40; weights σ 0.02 with column 77 ×3. */
function example(): {importance: Float32Array; weightMagnitude: Float64Array} {
  const u = lcg(7);
  const n = normal(8, 0.02);
  const importance = Float32Array.from(
    {length: 192},
    (_, j) => -Math.log(u() + 1e-9) * ([5, 77, 140].includes(j) ? 40 : 1)
  );
  const weightMagnitude = Float64Array.from({length: 192}, (_, j) => {
    let s = 0;
    for (let r = 0; r < 64; r++) s += Math.abs(n()) * (j === 77 ? 3 : 1);
    return s / 64;
  });
  return {importance, weightMagnitude};
}

snapshot(function importanceColumnsFfnDown() {
  return importanceColumns(example(), {subtitle: "blk.0.ffn_down: importance from 3 chunks of 128 tokens"});
});

snapshot(function importanceColumnsEmpty() {
  return importanceColumns({importance: [], weightMagnitude: []});
});

describe("importanceColumns(data, spec)", () => {
  it("summarises the most important column, and refuses lengths that differ", () => {
    const svg = importanceColumns(example());
    expect(svg.getAttribute("aria-label") ?? svg.textContent).toMatch(/most important is column (5|77|140)/);
    expect(() => importanceColumns({importance: [1, 2], weightMagnitude: [1]})).toThrow(
      "invalid data: 2 importances for 1 weight columns (one each)"
    );
  });
});

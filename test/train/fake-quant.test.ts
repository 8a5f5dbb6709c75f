import {describe, expect, it} from "vitest";
import {fakeQuantize, toFakeQuant} from "../../src/train/index.ts";
import {expectClose} from "../helpers/expect-close.ts";

const GRID_ATOL = 1e-12;

describe("fake quantization", () => {
  it("fakeQuantize(out, w, rows, cols, {bits, groupSize: 0}) rounds each row to its own absmax/qmax grid", () => {
    const w = Float64Array.of(1, -0.5, 0.26, 0.1, 10, -2.5, 1.2, 0);
    const out = new Float64Array(8);
    fakeQuantize(out, w, 2, 4, toFakeQuant({bits: 3})); // qmax 3: row scales 1/3 and 10/3
    expectClose(out, [1, -2 / 3, 1 / 3, 0, 10, -10 / 3, 0, 0], {atol: GRID_ATOL}, "int3 per row");
  });

  it("fakeQuantize(…, {groupSize}) gives each group of a row its own scale, and halves round away from zero", () => {
    const w = Float64Array.of(2, 1, -2, 4); // 1/2 and −2/4 are halves
    const out = new Float64Array(4);
    fakeQuantize(out, w, 1, 4, toFakeQuant({bits: 2, groupSize: 2})); // qmax 1: scales 2 and 4
    expectClose(out, [2, 2, -4, 4], {atol: GRID_ATOL}, "int2 groups of 2");
  });

  it("toFakeQuant(spec) defaults to int8 per row and rejects bad values", () => {
    expect(toFakeQuant()).toEqual({bits: 8, groupSize: 0});
    expect(() => toFakeQuant({bits: 1})).toThrow("invalid bits: 1");
    expect(() => fakeQuantize(new Float64Array(6), new Float64Array(6), 1, 6, toFakeQuant({groupSize: 4}))).toThrow(
      "invalid groupSize: 4 (row length 6)"
    );
  });
});

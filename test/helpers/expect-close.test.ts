import {describe, expect, it} from "vitest";
import {expectClose} from "./expect-close.ts";

describe("expectClose(actual, expected, tol)", () => {
  it("passes within atol and names the first differing values otherwise", () => {
    expectClose([1, 2, 3], [1, 2 + 1e-7, 3], {atol: 1e-6});
    expect(() => expectClose([1, 2, 3], [1, 2.5, 3], {atol: 1e-6}, "row 0")).toThrow(
      /row 0: 1 of 3 .*\[1\] actual 2 expected 2.5/
    );
  });
  it("requires a positive tolerance", () => {
    expect(() => expectClose([1], [1], {})).toThrow(/needs a positive atol or rtol/);
  });
  it("treats NaN as equal only to NaN", () => {
    expectClose([NaN, 1], [NaN, 1], {atol: 1e-9});
    expect(() => expectClose([NaN], [1], {atol: 1e-9})).toThrow(/differ/);
  });
});

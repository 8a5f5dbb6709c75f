import {expect} from "vitest";

export interface Tolerance {
  /** max |a − e| allowed per element */
  atol?: number;
  /** max |a − e| / |e| allowed per element (added to atol, numpy-style) */
  rtol?: number;
}

type Numbers = ArrayLike<number>;

/**
 * Element-wise comparison with a required tolerance: |a − e| <= atol + rtol·|e|. NaN equals NaN only where both are
 * NaN. On failure the message names the first differing indices with both values, and the worst difference.
 */
export function expectClose(actual: Numbers | number, expected: Numbers | number, tol: Tolerance, label = ""): void {
  const a = typeof actual === "number" ? [actual] : actual;
  const e = typeof expected === "number" ? [expected] : expected;
  const {atol = 0, rtol = 0} = tol;
  if (!(atol > 0 || rtol > 0)) throw new Error("expectClose needs a positive atol or rtol");
  expect(a.length, `${label} length`).toBe(e.length);
  const bad: string[] = [];
  let nBad = 0;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const diff = Math.abs(x - y);
    const ok = diff <= atol + rtol * Math.abs(y) || x === y;
    if (diff > worst || Number.isNaN(diff)) [worst, worstAt] = [Number.isNaN(diff) ? Infinity : diff, i];
    if (!ok) {
      if (bad.length < 5) bad.push(`[${i}] actual ${x} expected ${y} (|diff| ${diff.toExponential(3)})`);
      nBad++;
    }
  }
  if (nBad > 0) {
    const msg =
      `${label ? label + ": " : ""}${nBad} of ${e.length} values differ beyond atol ${atol} rtol ${rtol}; ` +
      `worst |diff| ${worst.toExponential(3)} at [${worstAt}]; first: ${bad.join("; ")}`;
    expect.fail(msg);
  }
}

/** max |a − e| over all elements (for reports and relative checks). */
export function maxAbsDiff(a: Numbers, e: Numbers): number {
  let m = 0;
  for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(a[i]! - e[i]!));
  return m;
}

import {describe, expect, it} from "vitest";
import {f16ToF32, f32ToF16} from "../../src/formats/fp16.ts";
import {roundHalfAway, roundHalfEven} from "../../src/formats/rounding.ts";

describe("f32ToF16(x)", () => {
  it("f32ToF16(x) rounds to nearest, ties to even, in the normal and subnormal ranges", () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie -> even mantissa 0
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even mantissa 2
    expect(f32ToF16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(f32ToF16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24 -> 0
    expect(f32ToF16(1.5 * 2 ** -25)).toBe(0x0001);
    expect(f32ToF16(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 subnormal steps -> 2
    expect(f32ToF16(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the smallest normal
  });
  it("f32ToF16(x) overflows to infinity from 65520 up and keeps signed zero, infinity and NaN", () => {
    expect(f32ToF16(65519)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00);
    expect(f32ToF16(-1e9)).toBe(0xfc00);
    expect(f32ToF16(-0)).toBe(0x8000);
    expect(f32ToF16(Infinity)).toBe(0x7c00);
    expect(Number.isNaN(f16ToF32(f32ToF16(NaN)))).toBe(true);
  });
  it("f16ToF32(h) round-trips through f32ToF16 for every non-NaN half", () => {
    let bad = 0;
    for (let h = 0; h < 65536; h++) {
      const v = f16ToF32(h);
      if (!Number.isNaN(v) && f32ToF16(v) !== h) bad++;
    }
    expect(bad).toBe(0);
    expect(f16ToF32(0x3555)).toBeCloseTo(1 / 3, 3);
  });
});

describe("rounding", () => {
  it("roundHalfAway(x) is C roundf: halves away from zero", () => {
    expect([2.5, -2.5, 0.5, -0.5, 1.4999999, 3.5].map(roundHalfAway)).toEqual([3, -3, 1, -1, 1, 4]);
  });
  it("roundHalfEven(x) is nearest_int: halves to even", () => {
    expect([2.5, -2.5, 0.5, 1.5, 3.5, -3.5, 2.5000002].map(roundHalfEven)).toEqual([2, -2, 0, 2, 4, -4, 3]);
    expect(roundHalfEven(-0.5) === 0).toBe(true);
  });
});

import {describe, expect, it} from "vitest";
import {bf16, bf16ToF32, f32ToBf16} from "../../src/formats/bf16.ts";

const bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const fromBits = (u: number) => new Float32Array(new Uint32Array([u]).buffer)[0]!;

describe("bf16 (ggml_compute_fp32_to_bf16)", () => {
  it("rounds to nearest, ties to even, on the float32 bits", () => {
    expect(f32ToBf16(1)).toBe(0x3f80);
    expect(f32ToBf16(fromBits(0x3f808000))).toBe(0x3f80); // tie, even stays
    expect(f32ToBf16(fromBits(0x3f818000))).toBe(0x3f82); // tie, odd rounds up
    expect(f32ToBf16(fromBits(0x3f808001))).toBe(0x3f81);
    expect(f32ToBf16(fromBits(0xbf80ffff))).toBe(0xbf81);
    expect(f32ToBf16(fromBits(0x7f7fffff))).toBe(0x7f80); // the largest float rounds to inf
  });

  it("keeps a NaN a NaN with the quiet bit set, even one whose top bits would round to inf", () => {
    expect(f32ToBf16(fromBits(0x7f800001))).toBe(0x7fc0);
    expect(f32ToBf16(fromBits(0xff80ffff))).toBe(0xffc0);
  });

  it("dequantizes to the top 16 bits, and quantizeRef writes little-endian codes", () => {
    const x = new Float32Array([1, -2.5, 3.1415927, 1e-30]);
    const out = new Uint8Array(8);
    bf16.quantizeRef(out, 0, x, 0, 4);
    const y = new Float32Array(4);
    bf16.dequantize(y, 0, out, 0, 4);
    for (let i = 0; i < 4; i++) {
      expect(out[2 * i]! | (out[2 * i + 1]! << 8)).toBe(f32ToBf16(x[i]!));
      expect(bits(y[i]!)).toBe((f32ToBf16(x[i]!) << 16) >>> 0);
      expect(bf16ToF32(f32ToBf16(x[i]!))).toBe(y[i]);
    }
  });
});

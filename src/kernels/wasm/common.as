// Helpers shared by the kernels. Pointers are byte offsets into the one linear memory; floats are f32.

/** Sum of the four lanes of an f32x4. */
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ_i x[i]·q[i] over 16 int8 lanes q (already as i8x16) and 16 floats at xp. */
@inline export function dotI8x16F32(q: v128, xp: usize): v128 {
  const lo = i16x8.extend_low_i8x16_s(q);
  const hi = i16x8.extend_high_i8x16_s(q);
  let s = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), v128.load(xp));
  s = f32x4.add(s, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), v128.load(xp, 16)));
  s = f32x4.add(s, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), v128.load(xp, 32)));
  return f32x4.add(s, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), v128.load(xp, 48)));
}

/** IEEE fp16 bits -> f32, exact (subnormals via the 2^112 rescale, inf/NaN kept). */
@inline export function halfToFloat(h: u32): f32 {
  const sign = (h & 0x8000) << 16;
  if ((h & 0x7c00) == 0x7c00) return reinterpret<f32>(sign | 0x7f800000 | ((h & 0x3ff) << 13));
  const mag = reinterpret<f32>((h & 0x7fff) << 13) * reinterpret<f32>(<u32>0x77800000); // 2^112
  return reinterpret<f32>(reinterpret<u32>(mag) | sign);
}

/** f32 -> IEEE fp16 bits, round to nearest even (as ggml's GGML_FP32_TO_FP16). */
export function floatToHalf(f: f32): u32 {
  const x = reinterpret<u32>(f);
  const sign = (x >> 16) & 0x8000;
  const a = x & 0x7fffffff;
  if (a >= 0x7f800000) return sign | 0x7c00 | (a > 0x7f800000 ? 0x200 : 0);
  if (a >= 0x477ff000) return sign | 0x7c00; // rounds to >= 65520: overflow to inf
  if (a < 0x38800000) {
    // subnormal half: round |f| * 2^24 to an integer, ties to even
    const v = reinterpret<f32>(a) * 16777216.0;
    return sign | <u32>nearest<f32>(v);
  }
  const mant = a & 0x1fff;
  let h = (a - 0x38000000) >> 13;
  if (mant > 0x1000 || (mant == 0x1000 && (h & 1))) h++;
  return sign | h;
}

/**
 * e^x for four lanes (Cephes expf: range reduction by ln 2, degree-6 polynomial; ~2 ulp on [-87, 88]). Below
 * -87.3 (where e^x leaves the normal floats) the result is 0, so a -Infinity mask entry gives exactly 0.
 */
@inline export function expf4(v: v128): v128 {
  const tiny = f32x4.lt(v, f32x4.splat(-87.33654));
  const x = f32x4.min(f32x4.max(v, f32x4.splat(-87.33654)), f32x4.splat(88.72283));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let g = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  g = f32x4.sub(g, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, g), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, g), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, g), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, g), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, g), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, g), g), g), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(y, scale), tiny);
}

/** e^x for one value, same polynomial as expf4 so scalar tails agree with vector lanes. */
@inline export function expf1(x: f32): f32 {
  return f32x4.extract_lane(expf4(f32x4.splat(x)), 0);
}

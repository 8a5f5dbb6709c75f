// IEEE 754 binary16 <-> float32, bit-exact. Node 20 has no Float16Array, and ggml stores every block scale as fp16
// (GGML_FP32_TO_FP16 = round to nearest, ties to even; overflow -> inf; NaN stays NaN).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The fp16 bit pattern (0..0xffff) nearest to x, ties to even. */
export function f32ToF16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half: value = m · 2^-24, m = (1.mant) shifted right by 14 − e
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    let h = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // a carry rolls into the exponent (up to inf), as it should
  return sign | h;
}

let table: Float32Array | null = null;

/** All 65536 fp16 values as float32, built on first use (256 KiB). */
export function f16Table(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = sign * mant * 2 ** -24;
    else if (exp === 0x1f) table[h] = mant ? NaN : sign * Infinity;
    else table[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return table;
}

export function f16ToF32(h: number): number {
  return f16Table()[h & 0xffff]!;
}

/** Reads a little-endian fp16 at byte offset o. */
export function readF16(buf: Uint8Array, o: number): number {
  return f16Table()[buf[o]! | (buf[o + 1]! << 8)]!;
}

/** Writes x as little-endian fp16 at byte offset o and returns the value actually stored (as float32). */
export function writeF16(buf: Uint8Array, o: number, x: number): number {
  const h = f32ToF16(x);
  buf[o] = h & 0xff;
  buf[o + 1] = h >>> 8;
  return f16Table()[h]!;
}

const scratch = new Uint8Array(f32.buffer);

/** Reads a little-endian float32 at any (unaligned) byte offset. */
export function readF32(buf: Uint8Array, o: number): number {
  scratch[0] = buf[o]!;
  scratch[1] = buf[o + 1]!;
  scratch[2] = buf[o + 2]!;
  scratch[3] = buf[o + 3]!;
  return f32[0]!;
}

/** Writes x as little-endian float32 at any byte offset and returns the stored value. */
export function writeF32(buf: Uint8Array, o: number, x: number): number {
  f32[0] = x;
  buf[o] = scratch[0]!;
  buf[o + 1] = scratch[1]!;
  buf[o + 2] = scratch[2]!;
  buf[o + 3] = scratch[3]!;
  return f32[0]!;
}

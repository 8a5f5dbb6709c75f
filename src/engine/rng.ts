// llama2.c's xorshift* generator (run.c random_u32 / random_f32), in 32-bit halves so it needs no BigInt:
// s ^= s >> 12; s ^= s << 25; s ^= s >> 27; return (s * 0x2545F4914F6CDD1D) >> 32.
const MUL_HI = 0x2545f491;
const MUL_LO = 0x4f6cdd1d;

/** High 32 bits of the 64-bit product of two uint32. */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

export class Rng {
  private hi: number;
  private lo: number;

  /** seed: a positive integer below 2^53 (run.c's rng_seed); the same seed gives run.c's sequence. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed <= 0 || seed > Number.MAX_SAFE_INTEGER)
      throw new Error(`invalid seed: ${seed} (must be a positive integer)`);
    this.hi = Math.floor(seed / 2 ** 32) >>> 0;
    this.lo = seed >>> 0;
  }

  nextU32(): number {
    let {hi, lo} = this;
    [lo, hi] = [((lo >>> 12) | (hi << 20)) ^ lo, (hi >>> 12) ^ hi];
    [hi, lo] = [((hi << 25) | (lo >>> 7)) ^ hi, (lo << 25) ^ lo];
    [lo, hi] = [((lo >>> 27) | (hi << 5)) ^ lo, (hi >>> 27) ^ hi];
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return (mulHi32(this.lo, MUL_LO) + Math.imul(this.lo, MUL_HI) + Math.imul(this.hi, MUL_LO)) >>> 0;
  }

  /** uniform float32 in [0, 1) */
  nextF32(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }
}

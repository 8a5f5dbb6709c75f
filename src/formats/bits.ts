// LSB-first bit packing of b-bit codes (b = 2..8) for the generic integer formats: code j of a block occupies bits
// [j·b, j·b + b) of the block's code bytes, bit 0 being the least significant bit of the first byte.

export function packedBytes(n: number, bits: number): number {
  return Math.ceil((n * bits) / 8);
}

export function writeCodes(out: Uint8Array, o: number, codes: ArrayLike<number>, n: number, bits: number): void {
  out.fill(0, o, o + packedBytes(n, bits));
  for (let j = 0, pos = 0; j < n; j++, pos += bits) {
    const v = codes[j]! << (pos & 7);
    const at = o + (pos >> 3);
    out[at] = out[at]! | (v & 0xff);
    if ((pos & 7) + bits > 8) out[at + 1] = out[at + 1]! | (v >> 8);
  }
}

export function readCodes(codes: Int32Array, src: Uint8Array, o: number, n: number, bits: number): void {
  const mask = (1 << bits) - 1;
  for (let j = 0, pos = 0; j < n; j++, pos += bits) {
    const at = o + (pos >> 3);
    const word = (pos & 7) + bits > 8 ? src[at]! | (src[at + 1]! << 8) : src[at]!;
    codes[j] = (word >> (pos & 7)) & mask;
  }
}

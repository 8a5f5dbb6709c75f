// Mutations of a GGUF file for the fuzz tests (the reader's and the engine loader's).
import type {Rng} from "../../src/engine/rng.ts";

/** values that break counts, lengths, type ids and offsets when written over a field */
const NASTY = [
  0n,
  1n,
  3n,
  4n,
  5n,
  13n,
  31n,
  39n,
  63n,
  64n,
  0x7fn,
  0xffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  2n ** 53n,
  2n ** 63n - 1n,
  2n ** 64n - 1n
];

/** A variant of `base`: truncated, or 1–4 header bytes (before headerEnd) overwritten, bit-flipped or set to NASTY. */
export function mutate(base: Uint8Array, headerEnd: number, rng: Rng): Uint8Array {
  const pick = (n: number) => rng.nextU32() % n;
  const kind = pick(4);
  if (kind === 0) return base.subarray(0, pick(base.length)); // truncated
  const out = base.slice();
  const dv = new DataView(out.buffer);
  const flips = 1 + pick(4);
  for (let i = 0; i < flips; i++) {
    const at = pick(headerEnd); // the header is where the structure is; data bytes are opaque
    if (kind === 1) out[at] = pick(256);
    else if (kind === 2) out[at] ^= 1 << pick(8);
    else {
      const v = NASTY[pick(NASTY.length)]!;
      const width = [1, 4, 8][pick(3)]!;
      if (at + width > out.length) continue;
      if (width === 1) out[at] = Number(v & 0xffn);
      else if (width === 4) dv.setUint32(at, Number(v & 0xffffffffn), true);
      else dv.setBigUint64(at, v, true);
    }
  }
  return out;
}

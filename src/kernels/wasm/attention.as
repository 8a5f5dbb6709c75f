// Causal grouped-query attention over one layer's KV cache (keys/values point at that layer's first row).
// T = query rows, pos0 = position of row 0, kLen = pos0 + T, NH = nHeads, query head h reads kv head h/(NH/nKvHeads).
import {hsum} from "./common";

/** Σ a[i]·b[i] over hs floats (hs a multiple of 4 or not). */
@inline function dot(a: usize, b: usize, hs: i32): f32 {
  const hs4 = hs & ~3;
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i < hs4; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
  let s = hsum(acc);
  for (; i < hs; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

/** q (T, NH·hs), keys (S, KV) -> att (NH, T, kLen) = q·k / sqrt(hs), −Infinity where s > pos0 + t. */
export function attentionScores(att: usize, q: usize, keys: usize, T: i32, pos0: i32, nHeads: i32, nKvHeads: i32, hs: i32): void {
  const kLen = pos0 + T;
  const group = nHeads / nKvHeads;
  const kvDim = nKvHeads * hs;
  const invSqrt = <f32>(1 / Math.sqrt(<f64>hs));
  for (let h = 0; h < nHeads; h++) {
    const kOff = keys + (<usize>((h / group) * hs) << 2);
    for (let t = 0; t < T; t++) {
      const qp = q + (<usize>(t * nHeads * hs + h * hs) << 2);
      const row = att + (<usize>((h * T + t) * kLen) << 2);
      const last = pos0 + t;
      for (let s = 0; s <= last; s++) store<f32>(row + (<usize>s << 2), dot(qp, kOff + (<usize>(s * kvDim) << 2), hs) * invSqrt);
      for (let s = last + 1; s < kLen; s++) store<f32>(row + (<usize>s << 2), -Infinity);
    }
  }
}

/** att (NH, T, kLen) pattern, values (S, KV) -> z (T, NH·hs): z[t,h] = Σ_{s <= pos0+t} att[h,t,s] · v[s, h/group]. */
export function attentionMix(z: usize, att: usize, values: usize, T: i32, pos0: i32, nHeads: i32, nKvHeads: i32, hs: i32): void {
  const kLen = pos0 + T;
  const group = nHeads / nKvHeads;
  const kvDim = nKvHeads * hs;
  const hs4 = hs & ~3;
  for (let h = 0; h < nHeads; h++) {
    const vOff = values + (<usize>((h / group) * hs) << 2);
    for (let t = 0; t < T; t++) {
      const zp = z + (<usize>(t * nHeads * hs + h * hs) << 2);
      const row = att + (<usize>((h * T + t) * kLen) << 2);
      memory.fill(zp, 0, <usize>hs << 2);
      for (let s = 0; s <= pos0 + t; s++) {
        const a = load<f32>(row + (<usize>s << 2));
        const a4 = f32x4.splat(a);
        const vp = vOff + (<usize>(s * kvDim) << 2);
        let i = 0;
        for (; i < hs4; i += 4) {
          const o = <usize>i << 2;
          v128.store(zp + o, f32x4.add(v128.load(zp + o), f32x4.mul(a4, v128.load(vp + o))));
        }
        for (; i < hs; i++) {
          const o = <usize>i << 2;
          store<f32>(zp + o, load<f32>(zp + o) + a * load<f32>(vp + o));
        }
      }
    }
  }
}

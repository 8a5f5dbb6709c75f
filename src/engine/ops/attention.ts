// Causal grouped-query attention over the KV cache, in the two halves hooks sit between:
// scores = q·k / sqrt(headSize) (masked), then (after softmax) z = pattern @ v.
// T = query rows, pos0 = position of the first row, kLen = pos0 + T keys, NH = n_heads, KV = kv_dim,
// query head h reads kv head h / (NH / n_kv_heads).

export interface AttentionShape {
  T: number;
  pos0: number;
  nHeads: number;
  nKvHeads: number;
  headSize: number;
}

/**
 * q (T, NH·hs), keys (S, KV) rows of one layer starting at cacheOffset -> att (NH, T, kLen):
 * att[h,t,s] = q[t,h]·k[s,h/group] / sqrt(hs) for s <= pos0 + t, -Infinity after (causal mask).
 */
export function attentionScores(
  att: Float32Array,
  q: Float32Array,
  keyCache: Float32Array,
  cacheOffset: number,
  {T, pos0, nHeads, nKvHeads, headSize}: AttentionShape
): void {
  const kLen = pos0 + T;
  const group = nHeads / nKvHeads;
  const kvDim = nKvHeads * headSize;
  const invSqrt = 1 / Math.sqrt(headSize);
  for (let h = 0; h < nHeads; h++) {
    const kvHead = (h / group) | 0;
    for (let t = 0; t < T; t++) {
      const qo = t * nHeads * headSize + h * headSize;
      const row = (h * T + t) * kLen;
      const last = pos0 + t;
      for (let s = 0; s < kLen; s++) {
        if (s > last) {
          att[row + s] = -Infinity;
          continue;
        }
        const ko = cacheOffset + s * kvDim + kvHead * headSize;
        let score = 0;
        for (let i = 0; i < headSize; i++) score += q[qo + i]! * keyCache[ko + i]!;
        att[row + s] = score * invSqrt;
      }
    }
  }
}

/** att (NH, T, kLen) pattern, values (S, KV) of one layer from cacheOffset -> z (T, NH·hs) = pattern @ v per head. */
export function attentionMix(
  z: Float32Array,
  att: Float32Array,
  valueCache: Float32Array,
  cacheOffset: number,
  {T, pos0, nHeads, nKvHeads, headSize}: AttentionShape
): void {
  const kLen = pos0 + T;
  const group = nHeads / nKvHeads;
  const kvDim = nKvHeads * headSize;
  for (let h = 0; h < nHeads; h++) {
    const kvHead = (h / group) | 0;
    for (let t = 0; t < T; t++) {
      const zo = t * nHeads * headSize + h * headSize;
      const row = (h * T + t) * kLen;
      for (let i = 0; i < headSize; i++) z[zo + i] = 0;
      for (let s = 0; s <= pos0 + t; s++) {
        const a = att[row + s]!;
        const vo = cacheOffset + s * kvDim + kvHead * headSize;
        for (let i = 0; i < headSize; i++) z[zo + i] += a * valueCache[vo + i]!;
      }
    }
  }
}

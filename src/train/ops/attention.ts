// Causal grouped-query attention over B sequences of T positions, as llama2.c computes it: scores q·k/√head_size,
// softmax over positions 0..t, output Σ att·v; query head h reads key/value head h / (n_heads / n_kv_heads).
// B = sequences, T = positions, H = n_heads, K = n_kv_heads, hs = head_size.
import type {Vec} from "./vec.ts";

export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  K: number;
  hs: number;
}

export function attentionForward(z: Vec, att: Vec, q: Vec, k: Vec, v: Vec, {B, T, H, K, hs}: AttentionShape): void {
  // q (B·T, H·hs), k v (B·T, K·hs) -> z (B·T, H·hs), att (B, H, T, T) softmax weights (entries s > t unused)
  const scale = 1 / Math.sqrt(hs);
  const [qDim, kvDim, group] = [H * hs, K * hs, H / K];
  const acc = new Float64Array(hs);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvOff = Math.floor(h / group) * hs;
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qDim + h * hs;
        const row = ((b * H + h) * T + t) * T;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          const ko = (b * T + s) * kvDim + kvOff;
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += q[qo + i]! * k[ko + i]!;
          att[row + s] = dot * scale;
          max = Math.max(max, att[row + s]!);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) {
          att[row + s] = Math.exp(att[row + s]! - max);
          sum += att[row + s]!;
        }
        acc.fill(0);
        for (let s = 0; s <= t; s++) {
          att[row + s] = att[row + s]! / sum;
          const a = att[row + s]!;
          const vo = (b * T + s) * kvDim + kvOff;
          for (let i = 0; i < hs; i++) acc[i] += a * v[vo + i]!;
        }
        for (let i = 0; i < hs; i++) z[qo + i] = acc[i]!;
      }
    }
  }
}

export function attentionBackward(
  dq: Vec,
  dk: Vec,
  dv: Vec,
  dz: Vec,
  att: Vec,
  q: Vec,
  k: Vec,
  v: Vec,
  {B, T, H, K, hs}: AttentionShape
): void {
  // dz (B·T, H·hs) -> dq (B·T, H·hs), dk dv (B·T, K·hs), all overwritten
  const scale = 1 / Math.sqrt(hs);
  const [qDim, kvDim, group] = [H * hs, K * hs, H / K];
  const datt = new Float64Array(T);
  const acc = new Float64Array(hs);
  dk.fill(0, 0, B * T * kvDim);
  dv.fill(0, 0, B * T * kvDim);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvOff = Math.floor(h / group) * hs;
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qDim + h * hs;
        const row = ((b * H + h) * T + t) * T;
        let weighted = 0;
        for (let s = 0; s <= t; s++) {
          const vo = (b * T + s) * kvDim + kvOff;
          const a = att[row + s]!;
          let dot = 0;
          for (let i = 0; i < hs; i++) {
            dot += dz[qo + i]! * v[vo + i]!;
            dv[vo + i] += a * dz[qo + i]!;
          }
          datt[s] = dot;
          weighted += a * dot;
        }
        acc.fill(0);
        for (let s = 0; s <= t; s++) {
          const dscore = att[row + s]! * (datt[s]! - weighted) * scale;
          const ko = (b * T + s) * kvDim + kvOff;
          for (let i = 0; i < hs; i++) {
            acc[i] += dscore * k[ko + i]!;
            dk[ko + i] += dscore * q[qo + i]!;
          }
        }
        for (let i = 0; i < hs; i++) dq[qo + i] = acc[i]!;
      }
    }
  }
}

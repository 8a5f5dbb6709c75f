// Rotary position embedding as llama2.c's run.c applies it: within each head, the pair (2i, 2i+1) turns by the angle
// pos·θ^(−2i/head_size), θ = 10000. The backward is the same rotation by the opposite angle (its transpose).
import type {Vec} from "./vec.ts";

export const ROPE_THETA = 10000;

export interface RopeTables {
  cos: Float64Array; // (T, head_size/2)
  sin: Float64Array; // (T, head_size/2)
}

export function ropeTables(T: number, headSize: number): RopeTables {
  const half = headSize / 2;
  const cos = new Float64Array(T * half);
  const sin = new Float64Array(T * half);
  for (let pos = 0; pos < T; pos++) {
    for (let i = 0; i < half; i++) {
      const angle = pos / Math.pow(ROPE_THETA, (2 * i) / headSize);
      cos[pos * half + i] = Math.cos(angle);
      sin[pos * half + i] = Math.sin(angle);
    }
  }
  return {cos, sin};
}

export function rope(
  x: Vec,
  tables: RopeTables,
  N: number,
  T: number,
  width: number,
  headSize: number,
  inverse: boolean
) {
  // x (N, width) in place, row r at position r % T; width = n_heads·head_size; inverse turns back (the backward)
  const half = headSize / 2;
  const sign = inverse ? -1 : 1;
  for (let r = 0; r < N; r++) {
    const table = (r % T) * half;
    for (let j = 0; j < width; j += 2) {
      const c = tables.cos[table + (j % headSize) / 2]!;
      const s = sign * tables.sin[table + (j % headSize) / 2]!;
      const [v0, v1] = [x[r * width + j]!, x[r * width + j + 1]!];
      x[r * width + j] = v0 * c - v1 * s;
      x[r * width + j + 1] = v0 * s + v1 * c;
    }
  }
}

// SwiGLU gate of the llama FFN: g = silu(h1) ⊙ h3 with silu(x) = x·σ(x) (w1 = gate, w3 = up).
import type {Vec} from "./vec.ts";

export function swigluForward(g: Vec, h1: Vec, h3: Vec, size: number): void {
  // h1, h3 (size,) -> g (size,)
  for (let i = 0; i < size; i++) g[i] = h1[i]! * (1 / (1 + Math.exp(-h1[i]!))) * h3[i]!;
}

export function swigluBackward(dh1: Vec, dh3: Vec, dg: Vec, h1: Vec, h3: Vec, size: number): void {
  // dg (size,) -> dh1, dh3 (size,) overwritten; silu'(x) = σ(x)·(1 + x·(1 − σ(x)))
  for (let i = 0; i < size; i++) {
    const s = 1 / (1 + Math.exp(-h1[i]!));
    dh3[i] = dg[i]! * h1[i]! * s;
    dh1[i] = dg[i]! * h3[i]! * s * (1 + h1[i]! * (1 - s));
  }
}

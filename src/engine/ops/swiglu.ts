/** gate (n,), up (n,) -> out (n,) = silu(gate) · up, with the plain sigmoid 1/(1+exp(-x)). out may be gate. */
export function swiglu(out: Float32Array, gate: Float32Array, up: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i]!;
    // exp(-g) overflows to Infinity for g < -88 and the sigmoid is then exactly 0, which is the right limit
    out[i] = (g / (1 + Math.exp(-g))) * up[i]!;
  }
}

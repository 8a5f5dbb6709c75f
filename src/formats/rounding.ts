// The two roundings ggml uses, in the places it uses them. JS Math.round rounds halves toward +inf, which is
// neither, so it appears nowhere in src/quant.

/** C roundf: halves away from zero (ggml Q8_0 / Q8_1, llama2.c runq.c activations). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** ggml nearest_int / torch.round / nearbyint: halves to even (K-quants, llama2.c export.py, our generic grids). */
export function roundHalfEven(x: number): number {
  const r = Math.floor(x);
  const diff = x - r;
  if (diff > 0.5) return r + 1;
  if (diff < 0.5) return r;
  return r % 2 === 0 ? r : r + 1;
}

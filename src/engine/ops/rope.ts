/** cos/sin of pos·θᵢ with θᵢ = 10000^(-2i/headSize), (seqLen, headSize/2) each, computed once per model. */
export interface RopeTables {
  cos: Float32Array; // (S, headSize/2)
  sin: Float32Array; // (S, headSize/2)
  half: number; // headSize / 2
}

export const ROPE_THETA = 10000;

export function ropeTables(
  seqLen: number,
  headSize: number,
  alloc: (floats: number) => Float32Array = (n) => new Float32Array(n)
): RopeTables {
  const half = headSize / 2;
  const cos = alloc(seqLen * half);
  const sin = alloc(seqLen * half);
  for (let i = 0; i < half; i++) {
    // float32 like llama2.c: freq = 1 / powf(10000, 2i / head_size), val = pos * freq
    const freq = Math.fround(1 / Math.fround(Math.pow(ROPE_THETA, Math.fround((2 * i) / headSize))));
    for (let pos = 0; pos < seqLen; pos++) {
      const val = Math.fround(pos * freq);
      cos[pos * half + i] = Math.cos(val);
      sin[pos * half + i] = Math.sin(val);
    }
  }
  return {cos, sin, half};
}

/**
 * The same tables as ggml computes them (ggml_rope_cache_init, ggml-cpu.c, c392e5094, no YaRN, frequency scale 1):
 * theta_scale = powf(freqBase, -2/headSize); at position p the angle of pair i is (p·theta_scale^i) / freqs[i],
 * where p·theta_scale^i is a running float32 product, so a Llama 3 factor divides the angle (stretches the wavelength).
 */
export function ggmlRopeTables(
  seqLen: number,
  headSize: number,
  freqBase: number,
  freqs: Float32Array | null,
  alloc: (floats: number) => Float32Array = (n) => new Float32Array(n)
): RopeTables {
  const fr = Math.fround;
  const half = headSize / 2;
  const cos = alloc(seqLen * half);
  const sin = alloc(seqLen * half);
  const thetaScale = fr(Math.pow(fr(freqBase), fr(-2 / headSize)));
  for (let pos = 0; pos < seqLen; pos++) {
    let theta = fr(pos);
    for (let i = 0; i < half; i++) {
      const angle = freqs ? fr(theta / freqs[i]!) : theta;
      cos[pos * half + i] = Math.cos(angle);
      sin[pos * half + i] = Math.sin(angle);
      theta = fr(theta * thetaScale);
    }
  }
  return {cos, sin, half};
}

/** How a model pairs the values RoPE rotates: llama2.c and GGUF `llama` interleave; GGUF `qwen2` and Hugging Face
 * checkpoints rotate halves (NeoX style). The angles are the same; only the pairing differs. */
export type RopeStyle = "interleaved" | "neox";

/**
 * x (nHeads, headSize) at position pos -> out (nHeads, headSize): each pair (x[2i], x[2i+1]) of every head rotated
 * by pos·θᵢ. out may be x.
 */
export function rope(out: Float32Array, x: Float32Array, tables: RopeTables, pos: number, nHeads: number): void {
  const {cos, sin, half} = tables;
  const base = pos * half;
  const headSize = 2 * half;
  for (let h = 0; h < nHeads; h++) {
    const o = h * headSize;
    for (let i = 0; i < half; i++) {
      const fcr = cos[base + i]!;
      const fci = sin[base + i]!;
      const v0 = x[o + 2 * i]!;
      const v1 = x[o + 2 * i + 1]!;
      out[o + 2 * i] = v0 * fcr - v1 * fci;
      out[o + 2 * i + 1] = v0 * fci + v1 * fcr;
    }
  }
}

/**
 * x (nHeads, headSize) at position pos -> out (nHeads, headSize): NeoX / rotate-half RoPE, each pair
 * (x[i], x[i + headSize/2]) of every head rotated by pos·θᵢ (ggml's GGML_ROPE_TYPE_NEOX, transformers' rotate_half).
 * out may be x.
 */
export function ropeNeox(out: Float32Array, x: Float32Array, tables: RopeTables, pos: number, nHeads: number): void {
  const {cos, sin, half} = tables;
  const base = pos * half;
  const headSize = 2 * half;
  for (let h = 0; h < nHeads; h++) {
    const o = h * headSize;
    for (let i = 0; i < half; i++) {
      const fcr = cos[base + i]!;
      const fci = sin[base + i]!;
      const v0 = x[o + i]!;
      const v1 = x[o + i + half]!;
      out[o + i] = v0 * fcr - v1 * fci;
      out[o + i + half] = v0 * fci + v1 * fcr;
    }
  }
}

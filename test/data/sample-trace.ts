// A small, deterministic activation trace for the data tests: a 2-layer config (D 8, NH 2, NKV 1, d_head 4, d_mlp 12,
// V 16), a 3-token prefill from position 0 and one decode step at position 3. Dims are written out here, not taken
// from the engine, so these tests check the table layout independently of the hook table.
import type {ActivationTrace, CachedActivation, RunInfo} from "../../src/data/index.ts";

const D = 8;
const NH = 2;
const NKV = 1;
const HS = 4;
const H = 12;
const V = 16;
export const T = 3; // prefill tokens

/** cos data, different per activation (ggml's test data form) */
function values(n: number, offset: number): Float32Array {
  return Float32Array.from({length: n}, (_, i) => 0.1 + 2 * Math.cos(i + offset));
}

let offset = 0;
function activation(name: string, layer: number, dims: (string | number)[], shape: number[], pos0: number) {
  const data = values(
    shape.reduce((a, b) => a * b, 1),
    (offset += 17)
  );
  return {name, layer, dims, shape, pos0, data} satisfies CachedActivation;
}

/** causal scores (NH, T, kLen) with -Infinity above the diagonal, as the engine writes them */
function scores(layer: number, pos0: number, t: number): CachedActivation {
  const kLen = pos0 + t;
  const a = activation(
    `blocks.${layer}.attn.hook_attn_scores`,
    layer,
    ["n_heads", "pos", "k_pos"],
    [NH, t, kLen],
    pos0
  );
  for (let h = 0; h < NH; h++)
    for (let q = 0; q < t; q++) for (let k = pos0 + q + 1; k < kLen; k++) a.data[(h * t + q) * kLen + k] = -Infinity;
  return a;
}

export function sampleTrace(): ActivationTrace & {activations: CachedActivation[]} {
  offset = 0;
  const activations: CachedActivation[] = [activation("hook_embed", -1, ["pos", "d_model"], [T, D], 0)];
  for (let l = 0; l < 2; l++) {
    activations.push(
      activation(`blocks.${l}.ln1.hook_scale`, l, ["pos", 1], [T, 1], 0),
      activation(`blocks.${l}.attn.hook_q`, l, ["pos", "n_heads", "d_head"], [T, NH, HS], 0),
      activation(`blocks.${l}.attn.hook_k`, l, ["pos", "n_kv_heads", "d_head"], [T, NKV, HS], 0),
      scores(l, 0, T),
      activation(`blocks.${l}.mlp.hook_post`, l, ["pos", "d_mlp"], [T, H], 0)
    );
  }
  activations.push(activation("unembed.hook_out", -1, ["pos", "d_vocab"], [T, V], 0));
  // one decode step: no "pos" axis, the position is pos0
  activations.push(
    activation("blocks.1.attn.hook_q", 1, ["n_heads", "d_head"], [NH, HS], T),
    scores(1, T, 1),
    activation("unembed.hook_out", -1, ["d_vocab"], [V], T)
  );
  return {tokens: [1, 403, 9, 77], text: ["<s>", " Once", " upon", " a"], activations};
}

export const SAMPLE_RUN: RunInfo = {
  model: {name: "sample-2l.bin", config: {dim: D, nLayers: 2, nHeads: NH, nKvHeads: NKV, hiddenDim: H, vocabSize: V}},
  quant: {scheme: "q4_0", getW: "cached"},
  seed: 1234
};

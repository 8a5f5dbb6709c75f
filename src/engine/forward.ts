// The forward pass. `forward(model, token, pos)` is one decode step; `prefill(model, tokens, pos0)` pushes T tokens
// through at once (matmul instead of matvec, a causal mask in attention) and gives the same logits. Both run the
// same code below, which reads top to bottom like the paper.
// T = tokens in this call, D = dim, KV = kv_dim, H = hidden_dim, NH = n_heads, V = vocab_size, S = seq_len
import type {LinearMatrix} from "../model-files/matrix-names.ts";
import {callHook, type HookTable} from "./hooks/hooks.ts";
import type {HookKey, HookMode} from "./hooks/names.ts";
import {ensureRows, type Config} from "./model.ts";
import {addBias} from "./ops/add-bias.ts";
import type {AttentionShape} from "./ops/attention.ts";
import {queryForKv, roundF16, storeKv} from "./kv-cache.ts";
import type {Transformer} from "./transformer.ts";

// A decode step allocates nothing: the one-token input lives in a reused array, the attention shape in one object per
// model, and the logits view of each row count is made once (test/kernels/fast-model.test.ts counts allocations).
const oneToken = [0];
const shapes = new WeakMap<Transformer, AttentionShape>();
/** logits buffer -> its (T, V) views by T; a grown buffer is a new key, so stale views are never returned */
const logitsViews = new WeakMap<Float32Array, Float32Array[]>();

/** One decode step: feeds `token` at position `pos`, returns the logits (V,) (a view, valid until the next call). */
export function forward(model: Transformer, token: number, pos: number): Float32Array {
  oneToken[0] = token; // read only before the first hook runs, so a hook's own forward call cannot disturb it
  return run(model, oneToken, pos, "decode");
}

/** Feeds tokens at positions pos0.., returns the logits (T, V), row t after feeding tokens[t] (a view, as above). */
export function prefill(model: Transformer, tokens: ArrayLike<number>, pos0 = 0): Float32Array {
  return run(model, tokens, pos0, "prefill");
}

/** Throws a clear error for a token id out of range or a position past the context. */
export function checkInputs(c: Config, tokens: ArrayLike<number>, pos0: number): void {
  if (tokens.length === 0) throw new Error("no tokens to feed: pass at least one token");
  if (!Number.isInteger(pos0) || pos0 < 0) throw new Error(`invalid position: ${pos0} (must be an integer >= 0)`);
  const end = pos0 + tokens.length - 1;
  if (end >= c.seqLen)
    throw new Error(
      `position ${end} is past the context: seq_len is ${c.seqLen} (positions 0..${c.seqLen - 1}); ` +
        `feed fewer tokens or start a new sequence`
    );
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (!Number.isInteger(token) || token < 0 || token >= c.vocabSize)
      throw new Error(
        `token ${token} at index ${t} is out of range: the vocabulary has ${c.vocabSize} tokens (0..${c.vocabSize - 1})`
      );
  }
}

function run(model: Transformer, tokens: ArrayLike<number>, pos0: number, mode: HookMode): Float32Array {
  const c = model.config;
  checkInputs(c, tokens, pos0);
  const T = tokens.length;
  ensureRows(model.state, c, T, model.alloc);
  const {dim: D, kvDim: KV, hiddenDim: H, nLayers: L, nHeads: NH, nKvHeads: NKV, seqLen: S} = c;
  const {state: s, kernels: k, matrices: mats, profiler: prof, hooks} = model;
  const shape = attentionShape(model);
  shape.T = T;
  shape.pos0 = pos0;
  const kLen = pos0 + T;
  prof?.start();

  // token embedding
  for (let t = 0; t < T; t++) mats.embed(row(s.x, t, D, T), tokens[t]!);
  prof?.lap("other", -1);
  if (hooks) callHook(model, hooks, "hook_embed", -1, s.x, mode, T, pos0);

  for (let l = 0; l < L; l++) {
    if (hooks) callHook(model, hooks, "hook_resid_pre", l, s.x, mode, T, pos0);

    // attention rmsnorm
    norm(model, hooks, s.xb, s.x, model.norms.att[l]!, l, "ln1.hook_scale", "ln1.hook_normalized", mode, T, pos0);

    // qkv matmuls for these positions
    linear(model, s.q, s.xb, T, "attn_q", l);
    linear(model, s.k, s.xb, T, "attn_k", l);
    linear(model, s.v, s.xb, T, "attn_v", l);
    if (model.biases) {
      addBias(s.q, model.biases.q[l]!, D, T);
      addBias(s.k, model.biases.k[l]!, KV, T);
      addBias(s.v, model.biases.v[l]!, KV, T);
      prof?.lap("other", l);
    }
    if (hooks) {
      callHook(model, hooks, "attn.hook_q", l, s.q, mode, T, pos0);
      callHook(model, hooks, "attn.hook_k", l, s.k, mode, T, pos0);
      callHook(model, hooks, "attn.hook_v", l, s.v, mode, T, pos0);
    }

    // RoPE relative positional encoding: rotate q and k by their position
    const rope = c.ropeStyle === "neox" ? k.ropeNeox : k.rope;
    for (let t = 0; t < T; t++) {
      rope(row(s.q, t, D, T), row(s.q, t, D, T), model.rope, pos0 + t, NH);
      rope(row(s.k, t, KV, T), row(s.k, t, KV, T), model.rope, pos0 + t, NKV);
    }
    prof?.lap("rope", l);
    if (hooks) {
      callHook(model, hooks, "attn.hook_rot_q", l, s.q, mode, T, pos0);
      callHook(model, hooks, "attn.hook_rot_k", l, s.k, mode, T, pos0);
    }

    // save k and v of these positions in the KV cache
    const cacheOffset = l * S * KV;
    const at = cacheOffset + pos0 * KV;
    for (let i = 0; i < T * KV; i++) {
      s.keyCache[at + i] = s.k[i]!;
      s.valueCache[at + i] = s.v[i]!;
    }
    if (model.kv !== "f32") {
      storeKv(model.kv, s.keyCache, s.valueCache, at, T * KV);
      queryForKv(model.kv, s.q, T * D);
    }
    prof?.lap("other", l);

    // multihead attention: scores of every query head against the keys of its kv head, softmax, mix of values
    k.attentionScores(s.att, s.q, s.keyCache, cacheOffset, shape);
    prof?.lap("attention", l);
    if (hooks) callHook(model, hooks, "attn.hook_attn_scores", l, s.att, mode, T, pos0);
    for (let r = 0; r < NH * T; r++) k.softmax(s.att, s.att, kLen, r * kLen);
    // an F16 V cache multiplies fp16 probabilities
    if (model.kv === "f16") roundF16(s.att, 0, NH * T * kLen);
    prof?.lap("attention", l);
    if (hooks) callHook(model, hooks, "attn.hook_pattern", l, s.att, mode, T, pos0);
    k.attentionMix(s.xb, s.att, s.valueCache, cacheOffset, shape);
    prof?.lap("attention", l);
    if (hooks) callHook(model, hooks, "attn.hook_z", l, s.xb, mode, T, pos0);

    // final matmul to get the output of the attention
    linear(model, s.xb2, s.xb, T, "attn_output", l);
    if (hooks) callHook(model, hooks, "hook_attn_out", l, s.xb2, mode, T, pos0);

    // residual connection back into x
    for (let i = 0; i < T * D; i++) s.x[i] += s.xb2[i]!;
    prof?.lap("other", l);
    if (hooks) callHook(model, hooks, "hook_resid_mid", l, s.x, mode, T, pos0);

    // ffn rmsnorm
    norm(model, hooks, s.xb, s.x, model.norms.ffn[l]!, l, "ln2.hook_scale", "ln2.hook_normalized", mode, T, pos0);

    // in PyTorch: self.w2(F.silu(self.w1(x)) * self.w3(x)), llama2.c's w1 = ffn_gate, w3 = ffn_up, w2 = ffn_down
    linear(model, s.hb, s.xb, T, "ffn_gate", l);
    linear(model, s.hb2, s.xb, T, "ffn_up", l);
    if (hooks) {
      callHook(model, hooks, "mlp.hook_pre", l, s.hb, mode, T, pos0);
      callHook(model, hooks, "mlp.hook_pre_linear", l, s.hb2, mode, T, pos0);
    }

    // SwiGLU non-linearity
    k.swiglu(s.hb, s.hb, s.hb2, T * H);
    prof?.lap("activation", l);
    if (hooks) callHook(model, hooks, "mlp.hook_post", l, s.hb, mode, T, pos0);

    // final matmul to get the output of the ffn
    linear(model, s.xb, s.hb, T, "ffn_down", l);
    if (hooks) callHook(model, hooks, "hook_mlp_out", l, s.xb, mode, T, pos0);

    // residual connection
    for (let i = 0; i < T * D; i++) s.x[i] += s.xb[i]!;
    prof?.lap("other", l);
    if (hooks) callHook(model, hooks, "hook_resid_post", l, s.x, mode, T, pos0);
  }

  // final rmsnorm
  norm(
    model,
    hooks,
    s.xb,
    s.x,
    model.weights.rmsFinal,
    -1,
    "ln_final.hook_scale",
    "ln_final.hook_normalized",
    mode,
    T,
    pos0
  );

  // classifier into logits
  linear(model, s.logits, s.xb, T, "output", 0);
  if (hooks) callHook(model, hooks, "unembed.hook_out", -1, s.logits, mode, T, pos0);

  if (prof) {
    prof.steps++;
    prof.tokens += T;
  }
  return logitsView(s.logits, T, c.vocabSize);
}

/** The model's reused attention shape object (T and pos0 are set per call). */
function attentionShape(model: Transformer): AttentionShape {
  let shape = shapes.get(model);
  if (!shape) {
    const {nHeads, nKvHeads, headSize} = model.config;
    shapes.set(model, (shape = {T: 0, pos0: 0, nHeads, nKvHeads, headSize}));
  }
  return shape;
}

/** logits (T, V) of a (rows, V) buffer, the same view object on every call with this T. */
function logitsView(logits: Float32Array, T: number, V: number): Float32Array {
  let views = logitsViews.get(logits);
  if (!views) logitsViews.set(logits, (views = []));
  return (views[T] ??= T * V === logits.length ? logits : logits.subarray(0, T * V));
}

/** Row t of a (rows, n) buffer; the buffer itself for a single row, so decode makes no views. */
function row(buf: Float32Array, t: number, n: number, T: number): Float32Array {
  return T === 1 ? buf : buf.subarray(t * n, (t + 1) * n);
}

/** X (T, n) -> out (T, d) through the matrix provider: matvec for one token, matmul for a batch. */
function linear(model: Transformer, out: Float32Array, x: Float32Array, T: number, name: LinearMatrix, layer: number) {
  if (T === 1) model.matrices.matvec(out, x, name, layer);
  else model.matrices.matmul(out, x, T, name, layer);
  model.profiler?.lapMatrix(name === "output" ? -1 : layer);
}

/** RMSNorm of every row of x into out, the scales kept in state.scale for the scale hook. */
function norm(
  model: Transformer,
  hooks: HookTable | null,
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  layer: number,
  scaleKey: HookKey,
  normalizedKey: HookKey,
  mode: HookMode,
  T: number,
  pos0: number
): void {
  const {kernels: k, state: s} = model;
  const D = model.config.dim;
  k.rmsnormRows(out, x, w, D, T, s.scale, model.config.normEps);
  model.profiler?.lap("norm", layer);
  if (!hooks) return;
  // a scale hook may have changed the scales: normalize again with them (the same arithmetic, so unchanged
  // scales give identical results)
  if (callHook(model, hooks, scaleKey, layer, s.scale, mode, T, pos0))
    for (let t = 0; t < T; t++) k.rmsnormWithScale(row(out, t, D, T), row(x, t, D, T), w, D, s.scale[t]!);
  callHook(model, hooks, normalizedKey, layer, out, mode, T, pos0);
}

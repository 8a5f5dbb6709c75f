// Every hook point of the forward pass, named as in TransformerLens, from this one table. The shape of each is given
// once, for a prefill of T tokens; in decode (one token) the leading "pos" axis is dropped.
// Dims: pos = tokens in this call (T), k_pos = keys seen (pos0 + T), d_model = D, n_heads = NH,
// n_kv_heads = NKV (k and v are not expanded to NH), d_head = D / NH, d_mlp = H, d_vocab = V, 1 = a single value.
import type {Config} from "../model.ts";

export type HookDim = "pos" | "k_pos" | "d_model" | "n_heads" | "n_kv_heads" | "d_head" | "d_mlp" | "d_vocab" | 1;

/** Hooks before the blocks, in execution order. */
export const EMBED_HOOKS = {
  hook_embed: ["pos", "d_model"] // token embedding
} as const satisfies Record<string, readonly HookDim[]>;

/** Hooks of block l, named `blocks.{l}.<key>`, in execution order. */
export const BLOCK_HOOKS = {
  hook_resid_pre: ["pos", "d_model"], // residual stream entering the block
  "ln1.hook_scale": ["pos", 1], // sqrt(mean(x²) + eps)
  "ln1.hook_normalized": ["pos", "d_model"], // w · x / scale, the input of wq, wk, wv
  "attn.hook_q": ["pos", "n_heads", "d_head"], // wq · x, before RoPE
  "attn.hook_k": ["pos", "n_kv_heads", "d_head"], // wk · x, before RoPE
  "attn.hook_v": ["pos", "n_kv_heads", "d_head"], // wv · x
  "attn.hook_rot_q": ["pos", "n_heads", "d_head"], // q after RoPE
  "attn.hook_rot_k": ["pos", "n_kv_heads", "d_head"], // k after RoPE (what the KV cache stores)
  "attn.hook_attn_scores": ["n_heads", "pos", "k_pos"], // q·k / sqrt(d_head), -Infinity where masked
  "attn.hook_pattern": ["n_heads", "pos", "k_pos"], // softmax of the scores over k_pos
  "attn.hook_z": ["pos", "n_heads", "d_head"], // pattern @ v, per head, before wo
  hook_attn_out: ["pos", "d_model"], // wo · z
  hook_resid_mid: ["pos", "d_model"], // resid_pre + attn_out
  "ln2.hook_scale": ["pos", 1],
  "ln2.hook_normalized": ["pos", "d_model"], // the input of w1 and w3
  "mlp.hook_pre": ["pos", "d_mlp"], // gate, w1 · x
  "mlp.hook_pre_linear": ["pos", "d_mlp"], // up, w3 · x
  "mlp.hook_post": ["pos", "d_mlp"], // silu(gate) · up, the input of w2
  hook_mlp_out: ["pos", "d_model"], // w2 · post
  hook_resid_post: ["pos", "d_model"] // resid_mid + mlp_out
} as const satisfies Record<string, readonly HookDim[]>;

/** Hooks after the blocks, in execution order. */
export const FINAL_HOOKS = {
  "ln_final.hook_scale": ["pos", 1],
  "ln_final.hook_normalized": ["pos", "d_model"], // the input of the classifier
  "unembed.hook_out": ["pos", "d_vocab"] // logits
} as const satisfies Record<string, readonly HookDim[]>;

export type EmbedHookKey = keyof typeof EMBED_HOOKS;
export type BlockHookKey = keyof typeof BLOCK_HOOKS;
export type FinalHookKey = keyof typeof FINAL_HOOKS;
export type HookKey = EmbedHookKey | BlockHookKey | FinalHookKey;
export type HookName = EmbedHookKey | `blocks.${number}.${BlockHookKey}` | FinalHookKey;
export type HookMode = "decode" | "prefill";

/** Full name of a hook: actName("attn.hook_q", 0) === "blocks.0.attn.hook_q"; layer is ignored outside blocks. */
export function actName(key: HookKey, layer = -1): HookName {
  if (key in BLOCK_HOOKS) {
    if (!(layer >= 0)) throw new Error(`invalid layer: ${layer} (block hook ${key} needs a layer)`);
    return `blocks.${layer}.${key as BlockHookKey}`;
  }
  return key as EmbedHookKey | FinalHookKey;
}

/** Every hook name of a model with nLayers blocks, in the order a forward pass reaches them. */
export function hookNames(nLayers: number): HookName[] {
  const names: HookName[] = [...(Object.keys(EMBED_HOOKS) as EmbedHookKey[])];
  for (let l = 0; l < nLayers; l++)
    for (const key of Object.keys(BLOCK_HOOKS) as BlockHookKey[]) names.push(`blocks.${l}.${key}`);
  names.push(...(Object.keys(FINAL_HOOKS) as FinalHookKey[]));
  return names;
}

export interface ParsedHookName {
  key: HookKey;
  /** block index, -1 outside the blocks */
  layer: number;
}

/** Splits "blocks.3.attn.hook_z" into {key: "attn.hook_z", layer: 3}; throws `invalid hook: <name>` otherwise. */
export function parseHookName(name: string): ParsedHookName {
  const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
  if (m && m[2]! in BLOCK_HOOKS) return {key: m[2] as BlockHookKey, layer: Number(m[1])};
  if (name in EMBED_HOOKS || name in FINAL_HOOKS) return {key: name as HookKey, layer: -1};
  throw new Error(`invalid hook: ${name}`);
}

/** The symbolic dims of a hook in a mode: decode drops the leading "pos" axis. */
export function hookDims(key: HookKey, mode: HookMode): readonly HookDim[] {
  const dims: readonly HookDim[] =
    (EMBED_HOOKS as Record<string, readonly HookDim[]>)[key] ??
    (BLOCK_HOOKS as Record<string, readonly HookDim[]>)[key] ??
    (FINAL_HOOKS as Record<string, readonly HookDim[]>)[key]!;
  return mode === "decode" ? dims.filter((d) => d !== "pos") : dims;
}

/** The numeric shape of a hook for T tokens starting at position pos0. */
export function hookShape(c: Config, key: HookKey, mode: HookMode, T: number, pos0: number): number[] {
  const size: Record<Exclude<HookDim, 1>, number> = {
    pos: T,
    k_pos: pos0 + T,
    d_model: c.dim,
    n_heads: c.nHeads,
    n_kv_heads: c.nKvHeads,
    d_head: c.headSize,
    d_mlp: c.hiddenDim,
    d_vocab: c.vocabSize
  };
  return hookDims(key, mode).map((d) => (d === 1 ? 1 : size[d]));
}

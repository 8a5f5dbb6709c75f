// The type llama-quantize gives one matrix under a preset: a port of `llama_tensor_get_type` (llama.cpp c392e5094,
// src/llama-quant.cpp) for the llama architecture without experts, with or without an importance matrix (has_imatrix
// changes two ffn_down rules, marked "imatrix"). The rules, in the order the file checks them (the first that names
// the tensor decides):
//
//   output.weight, or token_embd.weight when there is no output.weight (tied):
//       rows not a multiple of the preset type's block → Q8_0; else every preset but Q8_0 → Q6_K
//   attn_v:      Q2_K → Q3_K (Q4_K when n_head/n_head_kv ≥ 4) · Q3_K_M → Q5_K for the first 2, then Q4_K ·
//                Q3_K_L → Q5_K · IQ4_NL with n_gqa ≥ 4 → Q5_K · Q4_K_M, Q5_K_M → Q6_K in use_more_bits layers ·
//                Q4_K_S → Q5_K for the first 4; a 70B model (80 layers with GQA) moves Q3_K/Q4_K up to Q5_K
//   ffn_down:    Q2_K → Q3_K · Q3_K_M → Q5_K below n/16, else Q4_K · Q3_K_L → Q5_K · Q4_K_M, Q5_K_M → Q6_K in
//                use_more_bits layers · IQ4_NL → Q5_K below n/8 without an imatrix · Q4_K_S → Q5_K below n/8 ·
//                Q4_0 → Q4_1, Q5_0 → Q5_1 below n/8 with an imatrix
//   attn_output: Q2_K → Q3_K · Q3_K_M → Q4_K · Q3_K_L → Q5_K
//   attn_qkv:    Q3_K_M, Q3_K_L → Q4_K · Q4_K_M → Q5_K · Q5_K_M → Q6_K
//
//   use_more_bits(i, n) = i < n/8 || i ≥ 7n/8 || (i − n/8) mod 3 = 2       (integer division)
//
// "Layer" i is a running count of the tensors of that kind seen so far in llama-quantize's order (resolve.ts), not
// the number in the name. Last, a row that does not fit the chosen type's block falls back: Q2_K, Q3_K → IQ4_NL,
// Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0, and to F16 when even that block does not fit (the table is
// src/formats/ggml-codecs.ts: the simulated K-quants name the same fallback); any other type has no fallback and
// llama-quantize stops ("Unsupported tensor size encountered"), so this throws.
import {GGML_FALLBACK, ggmlFallback} from "../../formats/ggml-codecs.ts";
import {ggmlTypeByName} from "../../model-files/gguf/index.ts";
import {ggufTensorName, type LayerMatrix} from "../../model-files/matrix-names.ts";
import type {Preset} from "./presets.ts";

/** What the rules count while walking the tensors (llama-quantize's quantize_state_impl). */
export interface RuleState {
  readonly nLayers: number;
  /** n_head / n_head_kv, integer division (hparams.n_gqa()) */
  readonly nGqa: number;
  /** llama.cpp's LLM_TYPE_70B for llama: 80 layers and fewer KV heads than heads */
  readonly is70B: boolean;
  /** whether the model has an output.weight (else token_embd is the output matrix) */
  readonly hasOutput: boolean;
  /** tensors whose name holds attn_v.weight, attn_qkv.weight or attn_kv_b.weight */
  readonly nAttentionWv: number;
  iAttentionWv: number;
  iFfnDown: number;
  /** an importance matrix is given (llama-quantize's qs.has_imatrix) */
  readonly hasImatrix: boolean;
}

export interface TypeChoice {
  /** the ggml type name written */
  readonly type: string;
  /** the rule that chose the type before any fallback, in words */
  readonly rule: string;
  /** the running layer count the rule looked at, when it looked at one */
  readonly layer?: {readonly index: number; readonly count: number};
  /** set when the rule's type did not fit the row: what was wanted and why it was replaced */
  readonly fallback?: string;
}

export function useMoreBits(i: number, n: number): boolean {
  const n8 = Math.trunc(n / 8);
  return i < n8 || i >= Math.trunc((7 * n) / 8) || (i - n8) % 3 === 2;
}

function blockSize(type: string): number {
  return ggmlTypeByName(type)!.blockSize;
}

interface Rule {
  type: string;
  rule: string;
  layer?: {index: number; count: number};
}

/** The type of one quantized matrix (2-D or more, named *weight, not a norm) of a quantized preset. */
export function tensorType(state: RuleState, preset: Preset, name: string, rowLength: number): TypeChoice {
  const chosen = ruleType(state, preset, name, rowLength);
  const block = blockSize(chosen.type);
  if (rowLength % block === 0) return chosen;
  const fits = `rows of ${rowLength} values are not a multiple of ${chosen.type}'s block of ${block}`;
  const type = ggmlFallback(chosen.type, rowLength);
  if (type === undefined)
    throw new Error(
      `tensor "${name}": ${fits}, and llama-quantize has no fallback for ${chosen.type} ("Unsupported tensor size ` +
        `encountered"); choose a preset whose types fit, or override this tensor`
    );
  const next = GGML_FALLBACK.get(chosen.type)!;
  const via = type === next ? "" : ` (${next}'s block of ${blockSize(next)} does not fit either)`;
  return {...chosen, type, fallback: `${chosen.type} wanted, but ${fits}: fallback ${type}${via}`};
}

// the names the rules match, from the one vocabulary (a typo is a type error, not a rule that never fires)
const OUTPUT = ggufTensorName("output");
const TOKEN_EMBD = ggufTensorName("token_embd");
/** what every layer's tensor of one kind ends in, e.g. attn_v.weight (llama.cpp matches names by substring) */
const weightOf = (m: LayerMatrix) => `${m}.weight`;

function ruleType(state: RuleState, preset: Preset, name: string, rowLength: number): Rule {
  const p = preset.name;
  const base = preset.defaultType;
  const keep = (rule: string, layer?: Rule["layer"]): Rule => ({type: base, rule, layer});
  if (name === OUTPUT || (!state.hasOutput && name === TOKEN_EMBD)) {
    const what = name === OUTPUT ? "output" : "token_embd, the output matrix (tied)";
    if (rowLength % blockSize(base) !== 0)
      return {type: "Q8_0", rule: `${what}: rows do not fit ${base}'s block, so Q8_0`};
    if (base !== "Q8_0") return {type: "Q6_K", rule: `${what}: Q6_K in every quantized preset but Q8_0`};
    return keep(`${what}: Q8_0 stays Q8_0`);
  }
  if (name === TOKEN_EMBD) return keep("token_embd: the preset's type");
  if (name.includes(weightOf("attn_v"))) {
    const layer = {index: state.iAttentionWv++, count: state.nAttentionWv};
    let r = attnV(p, base, state, layer);
    if (state.is70B && (r.type === "Q3_K" || r.type === "Q4_K"))
      r = {type: "Q5_K", rule: `${r.rule}; a 70B model's attn_v (8 heads share it) raised to Q5_K`, layer};
    return r;
  }
  // no ".weight": llama.cpp matches ffn_down anywhere in the name
  if (name.includes("ffn_down" satisfies LayerMatrix))
    return ffnDown(p, base, {index: state.iFfnDown++, count: state.nLayers}, state.hasImatrix);
  if (name.includes(weightOf("attn_output"))) {
    const to = {Q2_K: "Q3_K", Q3_K_M: "Q4_K", Q3_K_L: "Q5_K"}[p];
    return to ? {type: to, rule: `attn_output: ${p} raises it to ${to}`} : keep("attn_output: the preset's type");
  }
  // attn_qkv is a fused projection of other architectures, not in a llama model's vocabulary
  if (name.includes("attn_qkv.weight")) {
    const to = {Q3_K_M: "Q4_K", Q3_K_L: "Q4_K", Q4_K_M: "Q5_K", Q5_K_M: "Q6_K"}[p];
    return to ? {type: to, rule: `attn_qkv: ${p} raises it to ${to}`} : keep("attn_qkv: the preset's type");
  }
  return keep("the preset's type");
}

function attnV(p: string, base: string, state: RuleState, layer: {index: number; count: number}): Rule {
  const at = (type: string, rule: string): Rule => ({type, rule: `attn_v: ${rule}`, layer});
  const gqa = `n_head/n_head_kv = ${state.nGqa}`;
  if (p === "Q2_K") return state.nGqa >= 4 ? at("Q4_K", `Q2_K with ${gqa} ≥ 4 → Q4_K`) : at("Q3_K", "Q2_K → Q3_K");
  if (p === "Q3_K_M")
    return layer.index < 2
      ? at("Q5_K", "Q3_K_M → Q5_K for the first 2")
      : at("Q4_K", "Q3_K_M → Q4_K after the first 2");
  if (p === "Q3_K_L") return at("Q5_K", "Q3_K_L → Q5_K");
  if (p === "IQ4_NL" && state.nGqa >= 4) return at("Q5_K", `IQ4_NL with ${gqa} ≥ 4 → Q5_K`);
  if ((p === "Q4_K_M" || p === "Q5_K_M") && useMoreBits(layer.index, layer.count))
    return at("Q6_K", `${p} → Q6_K in a use_more_bits layer`);
  if (p === "Q4_K_S" && layer.index < 4) return at("Q5_K", "Q4_K_S → Q5_K for the first 4");
  return at(base, "the preset's type");
}

function ffnDown(p: string, base: string, layer: {index: number; count: number}, hasImatrix: boolean): Rule {
  const at = (type: string, rule: string): Rule => ({type, rule: `ffn_down: ${rule}`, layer});
  const {index: i, count: n} = layer;
  const n8 = Math.trunc(n / 8);
  if (p === "Q2_K") return at("Q3_K", "Q2_K → Q3_K");
  if (p === "Q3_K_M")
    return i < Math.trunc(n / 16) ? at("Q5_K", "Q3_K_M → Q5_K below n/16") : at("Q4_K", "Q3_K_M → Q4_K from n/16 on");
  if (p === "Q3_K_L") return at("Q5_K", "Q3_K_L → Q5_K");
  if (p === "Q4_K_M")
    return useMoreBits(i, n) ? at("Q6_K", "Q4_K_M → Q6_K in a use_more_bits layer") : at(base, "the preset's type");
  if (p === "IQ4_NL" && i < n8 && !hasImatrix) return at("Q5_K", "IQ4_NL → Q5_K below n/8 (no imatrix)");
  if (p === "Q5_K_M" && useMoreBits(i, n)) return at("Q6_K", "Q5_K_M → Q6_K in a use_more_bits layer");
  if (p === "Q4_K_S" && i < n8) return at("Q5_K", "Q4_K_S → Q5_K below n/8");
  // llama.cpp guards the first ffn_down layers only with an imatrix, so that files made without one do not change
  if ((p === "Q4_0" || p === "Q5_0") && hasImatrix && i < n8) {
    const to = p === "Q4_0" ? "Q4_1" : "Q5_1";
    return at(to, `${p} → ${to} below n/8 with an imatrix`);
  }
  return at(base, "the preset's type");
}

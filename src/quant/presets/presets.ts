// llama-quantize's presets (llama.cpp c392e5094, `llama_ftype` in include/llama.h and the ftype → default type switch
// of llama_model_quantize_impl in src/llama-quant.cpp): the name a user types, the id written to general.file_type,
// and the ggml type every quantized matrix starts from before the per-tensor rules (tensor-type.ts) move it.
// A preset is not a format: the Q4_0 preset puts `output.weight` in Q6_K, the Q4_K_M preset mixes Q4_K and Q6_K.

export interface Preset {
  /** llama-quantize's name, upper case: "Q4_K_M" */
  readonly name: string;
  /** LLAMA_FTYPE_MOSTLY_*, written as general.file_type */
  readonly ftype: number;
  /** the ggml type name a matrix gets unless a rule says otherwise */
  readonly defaultType: string;
  /** whether the type is a quantized one (ggml_is_quantized): only then do the per-tensor rules apply */
  readonly quantized: boolean;
  /** one line for help texts */
  readonly summary: string;
}

// [name, ftype, default type, quantized, summary]
const ROWS: readonly (readonly [string, number, string, boolean, string])[] = [
  ["Q2_K", 10, "Q2_K", true, "Q2_K; attn_v Q3_K (Q4_K when n_head/n_head_kv ≥ 4), ffn_down and attn_output Q3_K"],
  ["Q3_K_S", 11, "Q3_K", true, "Q3_K everywhere but output"],
  [
    "Q3_K_M",
    12,
    "Q3_K",
    true,
    "Q3_K; attn_v Q5_K (first 2) / Q4_K, ffn_down Q5_K (first 1/16) / Q4_K, attn_output Q4_K"
  ],
  ["Q3_K_L", 13, "Q3_K", true, "Q3_K; attn_v, ffn_down and attn_output Q5_K"],
  ["Q4_K_S", 14, "Q4_K", true, "Q4_K; attn_v Q5_K in the first 4 layers, ffn_down Q5_K in the first 1/8"],
  ["Q4_K_M", 15, "Q4_K", true, "Q4_K; attn_v and ffn_down Q6_K in the use_more_bits layers"],
  ["Q5_K_S", 16, "Q5_K", true, "Q5_K everywhere but output"],
  ["Q5_K_M", 17, "Q5_K", true, "Q5_K; attn_v and ffn_down Q6_K in the use_more_bits layers"],
  ["Q6_K", 18, "Q6_K", true, "Q6_K everywhere"],
  ["Q8_0", 7, "Q8_0", true, "Q8_0 everywhere, output included"],
  ["Q4_0", 2, "Q4_0", true, "Q4_0; output Q6_K"],
  ["Q4_1", 3, "Q4_1", true, "Q4_1; output Q6_K"],
  ["Q5_0", 8, "Q5_0", true, "Q5_0; output Q6_K"],
  ["Q5_1", 9, "Q5_1", true, "Q5_1; output Q6_K"],
  [
    "IQ4_NL",
    25,
    "IQ4_NL",
    true,
    "IQ4_NL; output Q6_K; attn_v Q5_K when n_head/n_head_kv ≥ 4, ffn_down Q5_K in the first 1/8"
  ],
  ["F16", 1, "F16", false, "every matrix F16 (no mixture rules)"],
  ["BF16", 32, "BF16", false, "every matrix BF16 (no mixture rules)"]
];

export const PRESETS: readonly Preset[] = ROWS.map(([name, ftype, defaultType, quantized, summary]) =>
  Object.freeze({name, ftype, defaultType, quantized, summary})
);

const BY_NAME: ReadonlyMap<string, Preset> = new Map(PRESETS.map((p) => [p.name, p]));

/** The preset named by text, in any case ("q4_k_m" = "Q4_K_M"); throws invalid preset: <text> naming the choices. */
export function toPreset(text: string): Preset {
  const preset = BY_NAME.get(text.trim().toUpperCase());
  if (!preset)
    throw new Error(`invalid preset: ${text} (llama-quantize's names: ${PRESETS.map((p) => p.name).join(", ")})`);
  return preset;
}

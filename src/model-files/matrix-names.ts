// The one vocabulary for weight matrices: llama.cpp's GGUF tensor names (llama-arch.cpp, LLM_ARCH_LLAMA at
// c392e5094), because those are what a learner sees in a real file. The engine's provider seam, the quant spec grammar,
// provider reports (and so charts, notebook labels, CLI output and Arrow metadata) and the llama-quantize presets all
// speak these names. llama2.c's names survive in two places only: the engine's Weights fields (wq, w1, …: the
// llama2.c-shaped structs, not seen by a user) and the spec grammar's aliases (LLAMA2C_NAMES).
//
// Order is llama.cpp's LLM_ARCH_LLAMA tensor list, which is also llama2.c's file order: gate, down, up.

/** The matrices of one transformer block; in a GGUF file blk.<layer>.<name>.weight. */
export const LAYER_MATRICES = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_down", "ffn_up"] as const;
export type LayerMatrix = (typeof LAYER_MATRICES)[number];

/** Every quantizable weight matrix: the embedding table, the block matrices, the classifier. Norms are not here. */
export const MATRIX_NAMES = ["token_embd", ...LAYER_MATRICES, "output"] as const;
export type MatrixName = (typeof MATRIX_NAMES)[number];

/** The matrices the forward pass multiplies by (token_embd is only read a row at a time). */
export const LINEAR_MATRICES = [...LAYER_MATRICES, "output"] as const;
export type LinearMatrix = (typeof LINEAR_MATRICES)[number];

/** llama2.c's name for each matrix (run.c's TransformerWeights), the aliases the spec grammar accepts. */
export const LLAMA2C_NAMES: Readonly<Record<string, MatrixName>> = {
  tok_embeddings: "token_embd",
  wq: "attn_q",
  wk: "attn_k",
  wv: "attn_v",
  wo: "attn_output",
  w1: "ffn_gate",
  w2: "ffn_down",
  w3: "ffn_up",
  wcls: "output"
};

export function isLayerMatrix(name: string): name is LayerMatrix {
  return (LAYER_MATRICES as readonly string[]).includes(name);
}

/** The matrix's tensor name in a GGUF file: token_embd.weight, blk.3.attn_q.weight, output.weight. */
export function ggufTensorName(name: MatrixName, layer = 0): string {
  return isLayerMatrix(name) ? `blk.${layer}.${name}.weight` : `${name}.weight`;
}

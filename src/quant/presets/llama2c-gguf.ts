// A llama2.c checkpoint and its tokenizer.bin as the F32 GGUF file llama.cpp's llama-convert-llama2c-to-ggml writes
// (c392e5094, examples/convert-llama2c-to-ggml): its keys in its order, the vocabulary as it converts llama2.c's
// pieces (spaces → ▁, "\n<s>\n" → <s>, "\n</s>\n" → </s>; types unknown, control, byte, normal), and the tensors in
// its order, output.weight always written (a copy of token_embd.weight when the classifier is shared).
import {matrixShape, WEIGHT_FIELD} from "../../engine/matrices.ts";
import type {Config, Weights} from "../../engine/model.ts";
import type {GgufOut, GgufOutEntry, GgufOutTensor} from "../../model-files/gguf/index.ts";
import {ggufTensorName, LAYER_MATRICES, type MatrixName} from "../../model-files/matrix-names.ts";
import type {Tokenizer} from "../../tokenizers/llama2c.ts";

const TYPE = {normal: 1, unknown: 2, control: 3, byte: 6} as const;
/** llama-convert-llama2c-to-ggml's order of a layer's tensors */
const LAYER_ORDER: readonly (MatrixName | "attn_norm" | "ffn_norm")[] = [
  "attn_q",
  "attn_k",
  "attn_v",
  "attn_output",
  "attn_norm",
  "ffn_gate",
  "ffn_down",
  "ffn_up",
  "ffn_norm"
];
const NO_ID = 0xffffffff;
/** the converter writes its own context option (-c, default 128), not the checkpoint's seq_len */
const CONVERTER_CTX = 128;

function vocabEntries(tokenizer: Tokenizer): GgufOutEntry[] {
  const decoder = new TextDecoder();
  const tokens: string[] = [];
  const types = new Int32Array(tokenizer.pieces.length);
  tokenizer.pieces.forEach((bytes, i) => {
    let text = decoder.decode(bytes);
    let type: number = TYPE.normal;
    if (text === "<unk>") type = TYPE.unknown;
    else if (text === "\n<s>\n" || text === "\n</s>\n") [text, type] = [text.trim(), TYPE.control];
    else if (/^<0x[0-9A-Fa-f]{2}>$/.test(text)) [text, type] = [`<0x${text.slice(3, 5).toUpperCase()}>`, TYPE.byte];
    else text = text.replaceAll(" ", "\u2581");
    tokens.push(text);
    types[i] = type;
  });
  const array = (key: string, itemType: "string" | "f32" | "i32", values: unknown) =>
    ({key, type: "array", value: {itemType, values}}) as GgufOutEntry;
  return [
    array("tokenizer.ggml.tokens", "string", tokens),
    array("tokenizer.ggml.scores", "f32", Float32Array.from(tokenizer.scores)),
    array("tokenizer.ggml.token_type", "i32", types),
    {key: "tokenizer.ggml.model", type: "string", value: "llama"}
  ];
}

/** The checkpoint as llama-convert-llama2c-to-ggml's F32 GGUF. */
export function llama2cGguf(config: Config, weights: Weights, tokenizer: Tokenizer): GgufOut {
  const {dim, nLayers, nHeads, nKvHeads, hiddenDim} = config;
  const u32 = (key: string, value: number): GgufOutEntry => ({key, type: "u32", value});
  const metadata: GgufOutEntry[] = [
    ...vocabEntries(tokenizer),
    {key: "general.architecture", type: "string", value: "llama"},
    {key: "general.name", type: "string", value: "llama"},
    u32("tokenizer.ggml.unknown_token_id", 0),
    u32("tokenizer.ggml.bos_token_id", 1),
    u32("tokenizer.ggml.eos_token_id", 2),
    u32("tokenizer.ggml.seperator_token_id", NO_ID),
    u32("tokenizer.ggml.padding_token_id", NO_ID),
    u32("llama.context_length", CONVERTER_CTX),
    u32("llama.embedding_length", dim),
    u32("llama.feed_forward_length", hiddenDim),
    u32("llama.attention.head_count", nHeads),
    u32("llama.attention.head_count_kv", nKvHeads),
    u32("llama.block_count", nLayers),
    u32("llama.rope.dimension_count", dim / nHeads),
    {key: "llama.attention.layer_norm_rms_epsilon", type: "f32", value: 1e-5}
  ];
  const f32 = (name: string, shape: number[], values: Float32Array): GgufOutTensor => ({
    name,
    type: "F32",
    shape,
    data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
  });
  const matrix = (name: MatrixName, layer = 0): GgufOutTensor => {
    const [rows, cols] = matrixShape(config, name);
    const all = weights[WEIGHT_FIELD[name]];
    const isLayer = (LAYER_MATRICES as readonly string[]).includes(name);
    return f32(
      ggufTensorName(name, layer),
      [cols, rows],
      isLayer ? all.subarray(layer * rows * cols, (layer + 1) * rows * cols) : all
    );
  };
  const tensors = [matrix("token_embd"), f32("output_norm.weight", [dim], weights.rmsFinal), matrix("output")];
  for (let l = 0; l < nLayers; l++)
    for (const name of LAYER_ORDER) {
      if (name === "attn_norm" || name === "ffn_norm") {
        const norms = name === "attn_norm" ? weights.rmsAtt : weights.rmsFfn;
        tensors.push(f32(`blk.${l}.${name}.weight`, [dim], norms.subarray(l * dim, (l + 1) * dim)));
      } else tensors.push(matrix(name, l));
    }
  return {metadata, tensors};
}

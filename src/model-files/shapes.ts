// Real models' shapes without their weights: the one table of named architectures `glassbox shape` writes as
// random-weight GGUF files (src/quant/presets/shape-gguf.ts), with the hyperparameters and vocabulary kind their
// published GGUF files carry (the Hub's config.json, as convert_hf_to_gguf.py writes it).

/** What a synthetic vocabulary copies of the real one (src/tokenizers/synthetic-vocab.ts) */
export type ShapeVocab =
  | {
      readonly model: "gpt2";
      readonly pre: string;
      /** the special tokens at the start of the table (SmolLM2) or after the words (Qwen2.5) */
      readonly specials: "start" | "end";
      /** ids after the specials with no token */
      readonly unused: number;
    }
  | {readonly model: "llama"};

export interface ModelShape {
  readonly name: string;
  /** general.architecture: llama (interleaved RoPE) or qwen2 (NeoX RoPE, q/k/v biases) */
  readonly architecture: "llama" | "qwen2";
  readonly dim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  /** feed_forward_length */
  readonly hiddenDim: number;
  readonly vocabSize: number;
  /** no output.weight: the classifier is token_embd */
  readonly tied: boolean;
  readonly ropeTheta: number;
  readonly rmsEps: number;
  readonly contextLength: number;
  /** the tokenizer kind: byte-level BPE with merges (gpt2, and its pre-tokenizer) or SentencePiece (llama) */
  readonly vocab: ShapeVocab;
}

const SMOLLM2_VOCAB: ShapeVocab = {model: "gpt2", pre: "smollm", specials: "start", unused: 0};
const SMOLLM2 = {
  architecture: "llama",
  vocabSize: 49152,
  tied: true,
  ropeTheta: 1e5,
  rmsEps: 1e-5,
  contextLength: 8192,
  vocab: SMOLLM2_VOCAB
} as const;

const SHAPES: ModelShape[] = [
  {...SMOLLM2, name: "smollm2-135m", dim: 576, nLayers: 30, nHeads: 9, nKvHeads: 3, hiddenDim: 1536},
  {...SMOLLM2, name: "smollm2-360m", dim: 960, nLayers: 32, nHeads: 15, nKvHeads: 5, hiddenDim: 2560},
  {
    name: "qwen2.5-0.5b",
    architecture: "qwen2",
    dim: 896,
    nLayers: 24,
    nHeads: 14,
    nKvHeads: 2,
    hiddenDim: 4864,
    vocabSize: 151936,
    tied: true,
    ropeTheta: 1e6,
    rmsEps: 1e-6,
    contextLength: 32768,
    vocab: {model: "gpt2", pre: "qwen2", specials: "end", unused: 271}
  },
  {
    name: "tinyllama-1.1b",
    architecture: "llama",
    dim: 2048,
    nLayers: 22,
    nHeads: 32,
    nKvHeads: 4,
    hiddenDim: 5632,
    vocabSize: 32000,
    tied: false,
    ropeTheta: 1e4,
    rmsEps: 1e-5,
    contextLength: 2048,
    vocab: {model: "llama"}
  }
];

export const MODEL_SHAPES: readonly ModelShape[] = SHAPES.map((shape) => Object.freeze(shape));

/** The shape named by text (any case); throws invalid shape: <text> naming the choices. */
export function toModelShape(text: string): ModelShape {
  const shape = MODEL_SHAPES.find((s) => s.name === text.trim().toLowerCase());
  if (!shape) throw new Error(`invalid shape: ${text} (one of ${MODEL_SHAPES.map((s) => s.name).join(", ")})`);
  return shape;
}

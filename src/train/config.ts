// The model's shape, with the field names of the engine's Config (llama2.c's header, camelCased).

export interface ModelShape {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  sharedClassifier: boolean;
}

export interface ModelConfig extends ModelShape {
  headSize: number; // dim / n_heads
  kvDim: number; // n_kv_heads · head_size
}

export function toModelConfig(shape: ModelShape): ModelConfig {
  const {dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, sharedClassifier} = shape;
  for (const [name, value] of Object.entries({dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen})) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`invalid ${name}: ${value}`);
  }
  if (dim % nHeads !== 0 || (dim / nHeads) % 2 !== 0) throw new Error(`invalid nHeads: ${nHeads} (dim ${dim})`);
  if (nHeads % nKvHeads !== 0) throw new Error(`invalid nKvHeads: ${nKvHeads} (nHeads ${nHeads})`);
  const headSize = dim / nHeads;
  return {
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize,
    seqLen,
    sharedClassifier,
    headSize,
    kvDim: nKvHeads * headSize
  };
}

// A model as llama-perplexity feeds it: a chunk's ids from position 0 (prefill writes the cache from 0, so nothing of
// the previous chunk is read), every position's logits kept. With a provider the chunk runs under it and the model's
// own provider is put back after, so the base and the quantized run can be one model under two quant settings.
import {prefill} from "../../engine/forward.ts";
import type {MatrixProvider} from "../../engine/matrices.ts";
import {setMatrices, type Transformer} from "../../engine/transformer.ts";
import type {ChunkLogits} from "./run.ts";

export function modelChunkLogits(model: Transformer, provider?: MatrixProvider): ChunkLogits {
  const {seqLen} = model.config;
  return (ids) => {
    if (ids.length > seqLen)
      throw new Error(`invalid ctx: ${ids.length} (the model holds ${seqLen} positions; give a smaller context)`);
    if (!provider) return prefill(model, ids, 0);
    const previous = setMatrices(model, provider);
    try {
      return prefill(model, ids, 0);
    } finally {
      setMatrices(model, previous);
    }
  };
}

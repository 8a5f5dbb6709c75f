// Building a Config from the seven llama2.c header numbers, with every check that must pass before anything large
// is allocated: positive sane dims, heads that divide the width, KV heads that divide the heads, an even head size.
import {activationFloats, kvCacheFloats, weightsFloats, type Config} from "./model.ts";

export interface ConfigSpec {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads?: number;
  vocabSize: number;
  seqLen: number;
  sharedClassifier?: boolean;
}

/** Upper bounds well above any model this engine is meant for; beyond them a header is garbage, not a model. */
export const CONFIG_LIMITS = {
  dim: 1 << 14,
  hiddenDim: 1 << 16,
  nLayers: 256,
  nHeads: 1024,
  nKvHeads: 1024,
  vocabSize: 1 << 20,
  seqLen: 1 << 20
} as const;

const HINT = "the header does not describe a valid llama2.c model; check that the file is a llama2.c checkpoint";

export function toConfig(spec: ConfigSpec): Config {
  const {dim, hiddenDim, nLayers, nHeads, nKvHeads = nHeads, vocabSize, seqLen, sharedClassifier = true} = spec;
  const dims = {dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen};
  for (const [name, value] of Object.entries(dims) as [keyof typeof CONFIG_LIMITS, number][]) {
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`invalid ${name}: ${value} (must be a positive integer); ${HINT}`);
    if (value > CONFIG_LIMITS[name])
      throw new Error(`invalid ${name}: ${value} (larger than ${CONFIG_LIMITS[name]}); ${HINT}`);
  }
  if (dim % nHeads !== 0) throw new Error(`invalid nHeads: ${nHeads} does not divide dim ${dim}; ${HINT}`);
  if (nHeads % nKvHeads !== 0)
    throw new Error(`invalid nKvHeads: ${nKvHeads} does not divide nHeads ${nHeads}; ${HINT}`);
  const headSize = dim / nHeads;
  if (headSize % 2 !== 0) throw new Error(`invalid head size: ${headSize} is odd, RoPE rotates pairs; ${HINT}`);
  return {...dims, sharedClassifier, headSize, kvDim: nKvHeads * headSize};
}

/** Bytes a loaded model needs: weights, one decode row of activations, KV cache and RoPE tables. */
export function modelBytes(c: Config): number {
  const rope = c.seqLen * c.headSize; // cos + sin, (S, headSize/2) each
  return 4 * (weightsFloats(c) + activationFloats(c, 1) + kvCacheFloats(c) + rope);
}

/** Default memory budget for one model: 2 GiB, what a browser tab can reasonably hold. */
export const DEFAULT_MAX_BYTES = 2 ** 31;

export function checkMemory(c: Config, maxBytes = DEFAULT_MAX_BYTES, extraBytes = 0): void {
  const need = modelBytes(c) + extraBytes;
  if (need > maxBytes)
    throw new Error(
      `model needs ${mib(need)} of memory, more than the budget of ${mib(maxBytes)}; ` +
        `use a smaller model or raise maxBytes`
    );
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

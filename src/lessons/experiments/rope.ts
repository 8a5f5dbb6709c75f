// Finding 4, RoPE tables: the NumPy origin's docs said the sin/cos tables were precomputed, but every call rebuilt
// them (about 14% of a forward pass). The engine computes them once per model (ropeTables) and a decode step only
// reads one row per position. This experiment times one token's rotations (q and k in every layer) both ways, and a
// whole decode step of the model, to show what share the recomputation would take.
import {forward, type Transformer} from "../../engine/index.ts";
import {rope, ROPE_THETA, type RopeTables} from "../../engine/ops/index.ts";
import {maxAbsError} from "../../quant/index.ts";
import {cosineData, measure, timeVariants, type ExperimentOptions, type VariantTiming} from "./measure.ts";

export interface RopeResult {
  /** rotations per token: q and k in each layer */
  calls: number;
  variants: VariantTiming[];
  /** recomputed / cached */
  ratio: number;
  /** one decode step of the model with cached tables (ms) */
  stepMs: number;
  /** share of a decode step RoPE takes with cached tables, and would take recomputed */
  share: {cached: number; recomputed: number};
  /** largest |cached − recomputed| over one rotated q: the two agree */
  maxDiff: number;
}

/** The table row of one position, computed on the spot: what a forgotten cache does on every call. */
export function ropeRow(pos: number, headSize: number): RopeTables {
  const half = headSize / 2;
  const cos = new Float32Array(half);
  const sin = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const freq = Math.fround(1 / Math.fround(Math.pow(ROPE_THETA, Math.fround((2 * i) / headSize))));
    const val = Math.fround(pos * freq);
    cos[i] = Math.cos(val);
    sin[i] = Math.sin(val);
  }
  return {cos, sin, half};
}

export async function ropeExperiment(
  model: Transformer,
  {pos = 17, ...options}: ExperimentOptions & {pos?: number} = {}
): Promise<RopeResult> {
  const {nLayers: L, nHeads, nKvHeads, headSize, dim, kvDim} = model.config;
  const q = cosineData(new Float32Array(dim), 0.5) as Float32Array;
  const k = cosineData(new Float32Array(kvDim), 0.5, 2) as Float32Array;
  const qCached = new Float32Array(dim);
  const qRecomputed = new Float32Array(dim);
  const kOut = new Float32Array(kvDim);
  const variants = await timeVariants(
    [
      {
        name: "tables cached (the engine)",
        note: "ropeTables once per model; a step reads row pos",
        run: () => {
          for (let l = 0; l < L; l++) {
            rope(qCached, q, model.rope, pos, nHeads);
            rope(kOut, k, model.rope, pos, nKvHeads);
          }
        }
      },
      {
        name: "tables recomputed on every call",
        note: "pow, cos and sin for every pair, every layer",
        run: () => {
          for (let l = 0; l < L; l++) {
            rope(qRecomputed, q, ropeRow(pos, headSize), 0, nHeads);
            rope(kOut, k, ropeRow(pos, headSize), 0, nKvHeads);
          }
        }
      }
    ],
    options
  );
  options.signal?.throwIfAborted();
  const stepMs = measure(() => forward(model, 65, pos), options.budgetMs).ms;
  const [cached, recomputed] = variants.map((v) => v.ms) as [number, number];
  return {
    calls: 2 * L,
    variants,
    ratio: recomputed / cached,
    stepMs,
    share: {cached: cached / stepMs, recomputed: recomputed / (stepMs - cached + recomputed)},
    maxDiff: maxAbsError(qCached, qRecomputed)
  };
}

// Time per token of each weight mode over repeated runs, for the cost-of-get_w notebook's comparison. On the built-in
// model a decode step takes a few hundred µs, and one run of each mode wobbles by more than the modes differ (it once
// came out fp32 275 µs > cached 150 µs > fused 112 µs). So each mode runs `repeats` times, the modes interleaved (a
// busy moment of the machine falls on all of them alike), and the fastest and the median run are reported: other tabs
// and jobs only ever add time, so the fastest run is the best estimate and the median says what a run typically meets.
import type {Transformer} from "../../engine/index.ts";
import {decodeCost, type DecodeCost} from "./decode-cost.ts";

export interface ModeTiming {
  /** the weight mode, "fp32", "dequant", "cached" or "fused" */
  weights: string;
  /** ms per token of each run, fastest first */
  runs: number[];
  min: number;
  median: number;
  max: number;
  /** the first run (bytes read and held are the same in every run) */
  cost: DecodeCost;
}

export interface ModeTimingsOptions {
  quant: string;
  /** prompt token ids (at least one) */
  tokens: ArrayLike<number>;
  modes?: readonly string[];
  /** decode steps per run (default 8) */
  steps?: number;
  /** runs per mode (default 5) */
  repeats?: number;
  signal?: AbortSignal;
  /** called before each mode's first run (the notebook guards the float32 cache's memory) */
  before?: (weights: string) => void;
}

export async function modeTimings(
  model: Transformer,
  {
    quant,
    tokens,
    modes = ["fp32", "dequant", "cached", "fused"],
    steps = 8,
    repeats = 5,
    signal,
    before
  }: ModeTimingsOptions
): Promise<ModeTiming[]> {
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`invalid repeats: ${repeats}`);
  const runs = modes.map(() => [] as DecodeCost[]);
  for (let r = 0; r < repeats; r++)
    for (const [i, weights] of modes.entries()) {
      if (r === 0) before?.(weights);
      runs[i]!.push(await decodeCost(model, {quant, weights, tokens, steps, signal}));
    }
  return modes.map((weights, i) => {
    const ms = runs[i]!.map((c) => c.msPerToken).sort((a, b) => a - b);
    const mid = ms.length >> 1;
    const median = ms.length % 2 ? ms[mid]! : (ms[mid - 1]! + ms[mid]!) / 2;
    return {weights, runs: ms, min: ms[0]!, median, max: ms.at(-1)!, cost: runs[i]![0]!};
  });
}

/**
 * Whether two modes' difference is within noise: their runs overlap (the slower mode's fastest run is no slower than
 * the faster mode's slowest run), so which one "wins" depends on the run.
 */
export function withinNoise(a: ModeTiming, b: ModeTiming): boolean {
  return a.min <= b.max && b.min <= a.max;
}

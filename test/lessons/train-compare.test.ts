import {describe, expect, it} from "vitest";
import {toConfig} from "../../src/engine/config.ts";
import {compareModels, quantizedAfterTraining} from "../../src/lessons/training/compare.ts";
import {
  evaluate,
  forward,
  initParams,
  makeActivations,
  makeModel,
  makeRng,
  type TrainModel
} from "../../src/train/index.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** Probabilities are float32 in the training forward: sums over a vocabulary of 64 agree to this. */
const KLD_ATOL = 1e-5;
const LOSS_RTOL = 1e-6;
const CONFIG = toConfig({
  dim: 16,
  hiddenDim: 48,
  nLayers: 1,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize: 64,
  seqLen: 12,
  sharedClassifier: true
});
// a seeded random model, with weights scaled up so its distributions are far from uniform and rounding shows
const float = makeModel(
  CONFIG,
  initParams(CONFIG, Float32Array, makeRng(3)).map((w) => w * 8)
);
const rng = makeRng(9);
const stream = Int32Array.from({length: 200}, () => 3 + rng.int(61));

/** KL(p ‖ q) per position from both models' logits, in float64, over the first window of the stream. */
function referenceKld(p: TrainModel, q: TrainModel): number {
  const T = CONFIG.seqLen;
  const V = CONFIG.vocabSize;
  const logSoftmax = (model: TrainModel) => {
    const acts = makeActivations(model, 1, T);
    acts.tokens.set(stream.subarray(0, T));
    forward(model, acts, 1, T, false);
    return Array.from({length: T}, (_, t) => {
      const row = Array.from(acts.logits.subarray(t * V, (t + 1) * V));
      const max = Math.max(...row);
      const logSum = Math.log(row.reduce((s, l) => s + Math.exp(l - max), 0)) + max;
      return row.map((l) => l - logSum);
    });
  };
  const [lp, lq] = [logSoftmax(p), logSoftmax(q)];
  let total = 0;
  for (let t = 0; t < T; t++) for (let j = 0; j < V; j++) total += Math.exp(lp[t]![j]!) * (lp[t]![j]! - lq[t]![j]!);
  return total / T;
}

describe("compareModels(reference, candidates, stream, windows)", () => {
  it("compareModels(m, [m], …) gives KLD 0, the same top-1 everywhere and m's own validation loss", () => {
    const [self] = compareModels(float, [float], stream, 4);
    expectClose(self!.kld, 0, {atol: KLD_ATOL}, "KLD of a model with itself");
    expect(self!.sameTop1).toBe(1);
    const acts = makeActivations(float, 1, CONFIG.seqLen);
    expectClose(self!.loss, evaluate(float, acts, stream, 4), {rtol: LOSS_RTOL}, "loss");
  });

  it("compareModels(…) measures KL(p_ref ‖ p_candidate) per position, as computed from the logits in float64", () => {
    const int3 = quantizedAfterTraining(float, {bits: 3});
    const [measured] = compareModels(float, [int3], stream, 1);
    expect(measured!.kld).toBeGreaterThan(100 * KLD_ATOL);
    expectClose(measured!.kld, referenceKld(float, int3), {atol: KLD_ATOL}, "KLD against the float64 reference");
  });

  it("quantizedAfterTraining(model, spec): fewer bits move the outputs further; the float weights stay as they were", () => {
    const before = float.params.slice();
    const [int8, int4, int2] = compareModels(
      float,
      [8, 4, 2].map((bits) => quantizedAfterTraining(float, {bits})),
      stream,
      4
    );
    expect(int8!.kld).toBeGreaterThan(0);
    expect(int4!.kld).toBeGreaterThan(int8!.kld);
    expect(int2!.kld).toBeGreaterThan(int4!.kld);
    expect(int2!.sameTop1).toBeLessThan(int8!.sameTop1);
    expect(float.params).toEqual(before);
  });

  it("compareModels(…) rejects models of another shape and a stream shorter than one window", () => {
    const other = toConfig({...CONFIG, vocabSize: 65});
    const wide = makeModel(other, initParams(other, Float32Array, makeRng(1)));
    expect(() => compareModels(float, [wide], stream, 2)).toThrow("compareModels needs models of one shape");
    expect(() => compareModels(float, [float], stream.subarray(0, 5), 2)).toThrow(
      "invalid stream: 5 tokens, need more than 12"
    );
  });
});

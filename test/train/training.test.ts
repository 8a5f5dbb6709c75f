import {describe, expect, it} from "vitest";
import {
  adamwStep,
  clipGradNorm,
  evaluate,
  learningRate,
  makeActivations,
  makeCorpus,
  engineTokenizer,
  makeTrainer,
  tokenStream,
  toTrainSettings,
  trainBpe,
  trainStep,
  type TrainSpec
} from "../../src/train/index.ts";
import {expectClose} from "../helpers/expect-close.ts";

const corpus = makeCorpus({seed: 5, trainStories: 120, valStories: 20});
const tokenizer = engineTokenizer(trainBpe(corpus.train.slice(0, 60), {vocabSize: 320}));
const train = tokenStream(tokenizer, corpus.train);
const val = tokenStream(tokenizer, corpus.val);
const spec: TrainSpec = {
  seed: 11,
  shape: {
    dim: 32,
    hiddenDim: 64,
    nLayers: 2,
    nHeads: 4,
    nKvHeads: 2,
    vocabSize: 320,
    seqLen: 32,
    sharedClassifier: true
  },
  batchSize: 4,
  steps: 60,
  peakLr: 1e-2,
  warmupSteps: 5
};

describe("training loop", () => {
  it("trainStep(trainer) is deterministic for a seed: the same bytes twice, other bytes for another seed", () => {
    const run = (seed: number) => {
      const trainer = makeTrainer({...spec, seed}, train);
      const losses = [0, 1, 2].map(() => trainStep(trainer).loss);
      return {losses, bytes: new Uint8Array(trainer.model.params.buffer.slice(0))};
    };
    const [a, b, other] = [run(11), run(11), run(12)];
    expect(a.losses).toEqual(b.losses);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(other.bytes))).toBe(false);
  });

  it("a short run lowers the validation loss of a tiny model (smoke test, seconds)", () => {
    const trainer = makeTrainer(spec, train);
    const acts = makeActivations(trainer.model, 4, spec.shape.seqLen);
    const before = evaluate(trainer.model, acts, val, 8);
    for (let s = 0; s < spec.steps!; s++) trainStep(trainer);
    const after = evaluate(trainer.model, acts, val, 8);
    expect(before).toBeGreaterThan(Math.log(320) - 0.5); // untrained: about uniform over the vocab
    expect(after).toBeLessThan(before - 1);
  });

  it("toTrainSettings(spec) fills defaults and rejects bad values", () => {
    expect(toTrainSettings({shape: spec.shape}).gradClip).toBe(1);
    expect(() => toTrainSettings({...spec, batchSize: 0})).toThrow("invalid batchSize: 0");
    expect(() => toTrainSettings({...spec, beta2: 1})).toThrow("invalid beta2: 1");
    expect(() => toTrainSettings({...spec, shape: {...spec.shape, nKvHeads: 3}})).toThrow("invalid nKvHeads: 3");
  });
});

describe("optimizer pieces", () => {
  const schedule = {peakLr: 1, minLr: 0.1, warmupSteps: 10, totalSteps: 110};

  it("learningRate(step, schedule) warms up linearly, then decays by a cosine to minLr", () => {
    expect(learningRate(0, schedule)).toBeCloseTo(0.1, 12);
    expect(learningRate(9, schedule)).toBeCloseTo(1, 12);
    expect(learningRate(10, schedule)).toBeCloseTo(1, 12);
    expect(learningRate(60, schedule)).toBeCloseTo(0.55, 12);
    expect(learningRate(110, schedule)).toBeCloseTo(0.1, 12);
  });

  it("clipGradNorm(grads, maxNorm) rescales to maxNorm only above it and returns the norm before", () => {
    const g = Float32Array.of(3, 4);
    expect(clipGradNorm(g, 10)).toBe(5);
    expectClose(g, [3, 4], {atol: 1e-7}, "unclipped");
    expect(clipGradNorm(g, 1)).toBe(5);
    expectClose(g, [0.6, 0.8], {atol: 1e-7}, "clipped");
  });

  it("adamwStep(params, grads, state, lr, settings) moves by lr·sign(g) at step 1 and decays only masked weights", () => {
    const params = Float32Array.of(1, 1);
    const state = {m: new Float32Array(2), v: new Float32Array(2), decay: Uint8Array.of(1, 0), step: 0};
    adamwStep(params, Float32Array.of(0.5, -2), state, 0.1, {beta1: 0.9, beta2: 0.95, eps: 0, weightDecay: 0.5});
    // bias-corrected m/√v = sign(g) at the first step; decay multiplies by 1 − lr·wd first
    expectClose(params, [1 * (1 - 0.05) - 0.1, 1 + 0.1], {atol: 1e-6}, "params");
  });
});

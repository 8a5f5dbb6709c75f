// The training loop's pieces, usable in the browser: a trainer holds the model, its batch buffers, AdamW state and
// the seeded generator that draws batches; trainStep does one step; evaluate and generate read the model.
import {backward} from "./backward.ts";
import {toConfig, type ConfigSpec} from "../engine/config.ts";
import {evalOffsets, fillWindows, randomOffsets} from "./data.ts";
import type {FakeQuantSpec} from "./fake-quant.ts";
import {forward} from "./forward.ts";
import {makeActivations, makeModel, type Activations, type TrainModel} from "./model.ts";
import {adamwStep, type AdamWSettings, type AdamWState} from "./optim/adamw.ts";
import {clipGradNorm} from "./optim/clip.ts";
import {learningRate, type Schedule} from "./optim/schedule.ts";
import {initParams, paramLayout} from "./params.ts";
import {makeRng, type Rng} from "./rng.ts";
import {BOS} from "../tokenizers/llama2c.ts";

export interface TrainSpec {
  /** seeds the initial weights and the batch order */
  seed?: number;
  /** model shape; vocabSize must match the tokenizer */
  shape: ConfigSpec;
  /** sequences per step, each of shape.seqLen positions */
  batchSize?: number;
  /** optimizer steps; the cosine schedule ends here */
  steps?: number;
  peakLr?: number;
  minLr?: number;
  warmupSteps?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** global gradient-norm clip */
  gradClip?: number;
  /** quantization-aware training: fake-quantize matrices in the forward, straight-through backward; null = off */
  fakeQuant?: FakeQuantSpec | null;
}

export type TrainSettings = Required<TrainSpec> & Schedule & AdamWSettings;

export function toTrainSettings(spec: TrainSpec): TrainSettings {
  const {seed = 1, shape, batchSize = 4, steps = 1000, peakLr = 3e-3, minLr = 3e-4, warmupSteps = 50} = spec;
  const {weightDecay = 0.1, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, gradClip = 1, fakeQuant = null} = spec;
  toConfig(shape);
  const positive = {batchSize, steps, peakLr, gradClip, eps};
  for (const [name, value] of Object.entries(positive)) if (!(value > 0)) throw new Error(`invalid ${name}: ${value}`);
  for (const [name, value] of Object.entries({minLr, warmupSteps, weightDecay})) {
    if (!(value >= 0)) throw new Error(`invalid ${name}: ${value}`);
  }
  for (const [name, value] of Object.entries({beta1, beta2})) {
    if (!(value >= 0 && value < 1)) throw new Error(`invalid ${name}: ${value}`);
  }
  const totalSteps = steps;
  return {
    seed,
    shape,
    batchSize,
    steps,
    peakLr,
    minLr,
    warmupSteps,
    weightDecay,
    beta1,
    beta2,
    eps,
    gradClip,
    fakeQuant,
    totalSteps
  };
}

export interface Trainer {
  settings: TrainSettings;
  model: TrainModel;
  acts: Activations;
  optimizer: AdamWState;
  rng: Rng;
  train: Int32Array; // token stream batches are drawn from
}

export function makeTrainer(spec: TrainSpec, train: Int32Array): Trainer {
  const settings = toTrainSettings(spec);
  const config = toConfig(settings.shape);
  const rng = makeRng(settings.seed);
  const model = makeModel(config, initParams(config, Float32Array, rng), settings.fakeQuant);
  if (train.length <= config.seqLen) throw new Error(`invalid train: ${train.length} tokens, need more than seqLen`);
  const decay = new Uint8Array(model.params.length);
  for (const t of paramLayout(config)) if (t.matrix) decay.fill(1, t.offset, t.offset + t.layers * t.rows * t.cols);
  const size = model.params.length;
  const optimizer = {m: new Float32Array(size), v: new Float32Array(size), decay, step: 0};
  return {settings, model, acts: makeActivations(model, settings.batchSize, config.seqLen), optimizer, rng, train};
}

export interface StepReport {
  step: number; // 1-based count of steps done
  loss: number; // mean training cross-entropy of this batch, before the update
  gradNorm: number; // before clipping
  lr: number;
}

export function trainStep(trainer: Trainer): StepReport {
  const {settings: s, model, acts, optimizer} = trainer;
  const [B, T] = [s.batchSize, model.config.seqLen];
  fillWindows(acts.tokens, acts.targets, trainer.train, randomOffsets(trainer.train, T, B, trainer.rng), T);
  model.grads.fill(0);
  const loss = forward(model, acts, B, T, true);
  backward(model, acts, B, T);
  const gradNorm = clipGradNorm(model.grads, s.gradClip);
  const lr = learningRate(optimizer.step, s);
  adamwStep(model.params, model.grads, optimizer, lr, s);
  return {step: optimizer.step, loss, gradNorm, lr};
}

/** Mean next-token cross-entropy over the first maxWindows windows of T = acts.T (+1) tokens of a stream. */
export function evaluate(model: TrainModel, acts: Activations, stream: Int32Array, maxWindows: number): number {
  const offsets = evalOffsets(stream, acts.T, maxWindows);
  let total = 0;
  for (let i = 0; i < offsets.length; i += acts.B) {
    const batch = offsets.slice(i, i + acts.B);
    fillWindows(acts.tokens, acts.targets, stream, batch, acts.T);
    total += forward(model, acts, batch.length, acts.T, true) * batch.length;
  }
  return total / offsets.length;
}

/**
 * Continues a prompt by up to `steps` tokens, stopping at BOS (a new story) as run.c does: temperature 0 is greedy,
 * otherwise samples softmax(logits / temperature) with the given generator. Recomputes the whole prefix per token
 * (no KV cache): fine for the short samples training prints.
 */
export function generate(model: TrainModel, prompt: number[], steps: number, temperature: number, rng: Rng): number[] {
  const c = model.config;
  const acts = makeActivations(model, 1, c.seqLen);
  const ids = [...prompt];
  while (ids.length < Math.min(c.seqLen, prompt.length + steps)) {
    const T = ids.length;
    acts.tokens.set(ids);
    forward(model, acts, 1, T, false);
    const logits = acts.logits.subarray((T - 1) * c.vocabSize, T * c.vocabSize);
    let next = 0;
    if (temperature === 0) {
      for (let j = 1; j < c.vocabSize; j++) if (logits[j]! > logits[next]!) next = j;
    } else {
      const max = Math.max(...logits);
      const weights = Array.from(logits, (x) => Math.exp((x - max) / temperature));
      let r = rng.next() * weights.reduce((a, b) => a + b, 0);
      while (next < c.vocabSize - 1 && (r -= weights[next]!) > 0) next++;
    }
    if (next === BOS) break;
    ids.push(next);
  }
  return ids;
}

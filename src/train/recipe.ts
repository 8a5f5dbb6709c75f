// The recipe of the committed default model: every setting `npm run train` uses, in one place, so the script, the
// model card and the tests agree. Sized by measurement: ~1 s per step of 4 × 256 tokens on one core of our machine,
// so 700 steps (+ data prep, evals, card) fit the 15-minute budget; a 250K-parameter model trained on ~0.7M tokens beats a bigger one trained
// on fewer.
import type {CorpusSpec} from "./corpus.ts";
import type {TrainSpec} from "./trainer.ts";

export interface Recipe {
  name: string;
  corpus: Required<CorpusSpec>;
  /** the BPE is learned on the first bpeStories training stories */
  bpeStories: number;
  vocabSize: number;
  train: TrainSpec & {steps: number};
  /** validation windows of seqLen tokens the card's loss averages over */
  valWindows: number;
  evalEvery: number;
}

export const VOCAB_SIZE = 768;

export const DEFAULT_RECIPE: Recipe = {
  name: "glassbox-stories",
  corpus: {seed: 2024, trainStories: 8000, valStories: 300},
  bpeStories: 1500,
  vocabSize: VOCAB_SIZE,
  train: {
    seed: 1337,
    shape: {
      dim: 64,
      hiddenDim: 192,
      nLayers: 4,
      nHeads: 4,
      nKvHeads: 2,
      vocabSize: VOCAB_SIZE,
      seqLen: 256,
      sharedClassifier: true
    },
    batchSize: 4,
    steps: 700,
    peakLr: 3e-3,
    minLr: 3e-4,
    warmupSteps: 40,
    weightDecay: 0.1,
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
    gradClip: 1,
    fakeQuant: null
  },
  valWindows: 64,
  evalEvery: 100
};

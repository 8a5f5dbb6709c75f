// What a live training run reads, made in the page in a few seconds: stories from the project's own grammar
// (src/train/corpus.ts, the default model's corpus seed), a small byte-level BPE learned on some of them, both splits
// as token streams, and the bigram baseline on the validation windows every evaluation of the run uses.
import {
  bigramBaseline,
  engineTokenizer,
  makeCorpus,
  tokenPool,
  tokenStream,
  trainBpe,
  type BigramBaseline
} from "../../train/index.ts";
import type {Tokenizer} from "../../tokenizers/llama2c.ts";
import {nextTurn} from "./turn.ts";

export interface TrainingDataSpec {
  /** seeds the story grammar (2024 = the committed default model's corpus) */
  seed?: number;
  trainStories?: number;
  valStories?: number;
  /** the BPE is learned on the first bpeStories training stories */
  bpeStories?: number;
  /** BPE vocabulary, including the 259 base tokens */
  vocabSize?: number;
  /** positions per training window */
  seqLen?: number;
  /** validation windows of seqLen tokens every loss, KLD and the bigram baseline average over */
  valWindows?: number;
}

export type TrainingDataSettings = Required<TrainingDataSpec>;

export interface TrainingData {
  settings: TrainingDataSettings;
  tokenizer: Tokenizer;
  /** the tokenizer's size: the BPE stops early when no pair is left worth merging */
  vocabSize: number;
  train: Int32Array; // (train tokens,)
  val: Int32Array; // (val tokens,)
  /** token ids the corpus uses: the pool head scores draw random sequences from */
  pool: number[];
  /** add-α bigram counts from the training stream, scored on the validation windows */
  bigram: BigramBaseline;
  /** the first training story, to show what the model reads */
  example: string;
}

export function toTrainingDataSettings(spec: TrainingDataSpec = {}): TrainingDataSettings {
  const {seed = 2024, trainStories = 1500, valStories = 100, bpeStories = 300, vocabSize = 384} = spec;
  const {seqLen = 64, valWindows = 16} = spec;
  const counts = {trainStories, valStories, bpeStories, vocabSize, seqLen, valWindows};
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`invalid ${name}: ${value}`);
  }
  if (bpeStories > trainStories) throw new Error(`invalid bpeStories: ${bpeStories} (trainStories ${trainStories})`);
  if (vocabSize < 259) throw new Error(`invalid vocabSize: ${vocabSize} (at least the 259 base tokens)`);
  if (!Number.isInteger(seed)) throw new Error(`invalid seed: ${seed}`);
  return {seed, trainStories, valStories, bpeStories, vocabSize, seqLen, valWindows};
}

/** Generates the stories, learns the tokenizer and encodes both splits, giving the page a turn between the phases. */
export async function prepareTrainingData(spec: TrainingDataSpec = {}, signal?: AbortSignal): Promise<TrainingData> {
  const settings = toTrainingDataSettings(spec);
  const corpus = makeCorpus({
    seed: settings.seed,
    trainStories: settings.trainStories,
    valStories: settings.valStories
  });
  await nextTurn(signal);
  const tokenizer = engineTokenizer(trainBpe(corpus.train.slice(0, settings.bpeStories), settings));
  await nextTurn(signal);
  const train = tokenStream(tokenizer, corpus.train);
  const val = tokenStream(tokenizer, corpus.val);
  if (val.length <= settings.seqLen * settings.valWindows) {
    throw new Error(
      `invalid valStories: ${settings.valStories} stories are too few for ${settings.valWindows} windows`
    );
  }
  await nextTurn(signal);
  const vocabSize = tokenizer.pieces.length;
  const bigram = bigramBaseline(train, val, vocabSize, settings.seqLen, settings.valWindows);
  return {settings, tokenizer, vocabSize, train, val, pool: tokenPool(train), bigram, example: corpus.train[0]!};
}

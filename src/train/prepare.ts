// From a recipe to what training reads: the generated corpus, the BPE learned on it, and both splits as token streams.
import {makeCorpus, type Corpus} from "./corpus.ts";
import {tokenStream} from "./data.ts";
import type {Recipe} from "./recipe.ts";
import {makeEncoder, trainBpe, type Encoder, type Tokenizer} from "./tokenizer.ts";

export interface PreparedData {
  corpus: Corpus;
  tokenizer: Tokenizer;
  encoder: Encoder;
  train: Int32Array; // (train tokens,)
  val: Int32Array; // (val tokens,)
}

export function prepareData(recipe: Recipe): PreparedData {
  const corpus = makeCorpus(recipe.corpus);
  const tokenizer = trainBpe(corpus.train.slice(0, recipe.bpeStories), {vocabSize: recipe.vocabSize});
  const encoder = makeEncoder(tokenizer);
  return {corpus, tokenizer, encoder, train: tokenStream(encoder, corpus.train), val: tokenStream(encoder, corpus.val)};
}

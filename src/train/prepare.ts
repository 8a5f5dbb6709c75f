// From a recipe to what training reads: the generated corpus, the BPE learned on it, and both splits as token streams.
import {makeCorpus, type Corpus} from "./corpus.ts";
import {tokenStream} from "./data.ts";
import type {Recipe} from "./recipe.ts";
import type {Tokenizer as EngineTokenizer} from "../tokenizers/llama2c.ts";
import {engineTokenizer, trainBpe, type Tokenizer} from "./tokenizer.ts";

export interface PreparedData {
  corpus: Corpus;
  tokenizer: Tokenizer;
  /** the same pieces as the engine reads them: encode, decode */
  engine: EngineTokenizer;
  train: Int32Array; // (train tokens,)
  val: Int32Array; // (val tokens,)
}

export function prepareData(recipe: Recipe): PreparedData {
  const corpus = makeCorpus(recipe.corpus);
  const tokenizer = trainBpe(corpus.train.slice(0, recipe.bpeStories), {vocabSize: recipe.vocabSize});
  const engine = engineTokenizer(tokenizer);
  return {corpus, tokenizer, engine, train: tokenStream(engine, corpus.train), val: tokenStream(engine, corpus.val)};
}

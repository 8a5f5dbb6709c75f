export * from "./ops/index.ts";
export {
  INIT_STD,
  initParams,
  paramCount,
  paramLayout,
  paramViews,
  type ParamViews,
  type TensorLayout,
  type TensorName
} from "./params.ts";
export {fakeQuantize, toFakeQuant, type FakeQuantSpec} from "./fake-quant.ts";
export {forwardWeights, makeActivations, makeModel, type Activations, type TrainModel} from "./model.ts";
export {forward} from "./forward.ts";
export {backward} from "./backward.ts";
export {adamwStep, type AdamWSettings, type AdamWState} from "./optim/adamw.ts";
export {learningRate, type Schedule} from "./optim/schedule.ts";
export {clipGradNorm} from "./optim/clip.ts";
export {makeRng, type Rng} from "./rng.ts";
export {makeCorpus, story, toCorpusSpec, type Corpus, type CorpusSpec} from "./corpus.ts";
export {engineTokenizer, tokenizerBin, toBpeSpec, trainBpe, type BpeSpec, type Tokenizer} from "./tokenizer.ts";
export {evalOffsets, fillWindows, randomOffsets, tokenStream} from "./data.ts";
export {
  evaluate,
  generate,
  makeTrainer,
  toTrainSettings,
  trainStep,
  type StepReport,
  type TrainSettings,
  type Trainer,
  type TrainSpec
} from "./trainer.ts";
export {headScores, tokenPool, type HeadScoreSpec, type HeadScores} from "./heads.ts";
export {BIGRAM_ALPHAS, bigramBaseline, type BigramBaseline} from "./bigram.ts";
export {INT8_FORMATS, int8Sqnr, type SqnrRow} from "./sqnr.ts";
export {DEFAULT_RECIPE, VOCAB_SIZE, type Recipe} from "./recipe.ts";
export {prepareData, type PreparedData} from "./prepare.ts";

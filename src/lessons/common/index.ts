export {tokenText, tokenPieces, probabilities, topTokens, type TopToken} from "./tokens.ts";
export {logitLensTop, type LensPrediction} from "./lens.ts";
export {
  BUILT_IN,
  builtInChoice,
  describeConfig,
  parameterCount,
  readModelFiles,
  storedChoice,
  type ModelChoice,
  type ReadFilesOptions
} from "./model-choice.ts";
export {readStoredModel, storeModel, forgetStoredModel, type StoredModel} from "./model-store.ts";
export {modelPicker, type ModelPicker, type ModelPickerOptions} from "./model-picker.ts";
export {GLOSSARY, glossaryEntry, firstSentence, term, type GlossaryEntry} from "./glossary.ts";
export {fitPrompt, greedyContinuation, type ContinuationOptions} from "./continuation.ts";

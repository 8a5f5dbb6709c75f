export {tokenText, tokenPieces, probabilities, topTokens, type TextSide, type TopToken} from "./tokens.ts";
export {llama2cModelText, vocabModelText, missingText, toModelText, type ModelText} from "./model-text.ts";
export {
  previewGguf,
  previewGgufSource,
  memoryPlan,
  memoryRefusal,
  typeCounts,
  formatTypeCounts,
  WEIGHT_MODES,
  type GgufPreview,
  type MemoryPlan,
  type MemoryRow,
  type TypeCount,
  type WeightMode
} from "./gguf-preview.ts";
export {logitLensTop, type LensPrediction} from "./lens.ts";
export {
  BUILT_IN,
  builtInChoice,
  ggufChoice,
  folderChoice,
  describeConfig,
  parameterCount,
  readModelFiles,
  storedChoice,
  type ModelChoice,
  type OpenedModel,
  type ReadFilesOptions
} from "./model-choice.ts";
export {
  readStoredModel,
  storeModel,
  storeFiles,
  forgetStoredModel,
  type StoredModel,
  type StoredCheckpoint,
  type StoredFiles
} from "./model-store.ts";
export {modelPicker, type ModelPicker, type ModelPickerOptions} from "./model-picker.ts";
export {GLOSSARY, glossaryEntry, firstSentence, term, type GlossaryEntry} from "./glossary.ts";
export {fitPrompt, greedyContinuation, type ContinuationOptions} from "./continuation.ts";

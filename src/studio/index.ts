export {bindUrl, defaultCodec, type UrlCodec, type ValueInput} from "./url-input.ts";
export {track, stopAll, onWork, workSnapshot, WorkCancelled, type TrackOptions, type WorkSnapshot} from "./work.ts";
export {
  guardMemory,
  memoryBudget,
  FALLBACK_BUDGET_BYTES,
  type GuardRequest,
  type MemoryBudget
} from "./memory-guard.ts";
export {guardWeightCache} from "./model.ts";
export {threadingMode, type ThreadingMode} from "./isolation.ts";
export {showNotice} from "./notices.ts";

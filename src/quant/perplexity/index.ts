export {baseRecord, recordLogProb, type BaseRecord} from "./base-record.ts";
export {kldChunking, type KldChunking} from "./chunks.ts";
export {modelChunkLogits} from "./model-logits.ts";
export {klDivergence, type ChunkLogits, type KldOptions, type KldRun} from "./run.ts";
export {emptyKldSums, scoreToken, type KldSums, type TokenScore} from "./score.ts";
export {
  chunkRow,
  covariance,
  kldStatistics,
  meanAndUncertainty,
  median,
  percentile,
  type KldChunkRow,
  type KldStatistics,
  type Uncertain
} from "./statistics.ts";
export {formatKldChunkRow, formatKldTable, KLD_CHUNK_HEADER, kldTable, type KldTableRow} from "./table.ts";

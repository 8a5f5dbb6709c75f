export {prepareTrainingData, toTrainingDataSettings, type TrainingData, type TrainingDataSpec} from "./data.ts";
export {
  DIMS,
  PROBE_TEXT,
  SAMPLE_PROMPT,
  TrainingSession,
  toSessionSettings,
  type Checkpoint,
  type SessionSettings,
  type SessionSpec,
  type SessionState,
  type Snapshot
} from "./session.ts";
export {liveTraining, type LiveOptions} from "./live.ts";
export {combinedState, trainControl, type ControlOptions, type TrainControl} from "./control.ts";
export {compareModels, quantizedAfterTraining, type Comparison} from "./compare.ts";
export {nextTurn} from "./turn.ts";

export {planSummary, planTable, tensorPlan, typeMapCells, type PlanSummary} from "./anatomy.ts";
export {heldOutText, kldReport, kldReportElement, type KldReportOptions} from "./perplexity.ts";
export {hurtTable, presetAgreement, whichTensorHurts, type TensorHurt, type TensorHurtOptions} from "./which-tensor.ts";
export {outlierReport, type Activation, type OutlierReport} from "./outliers.ts";
export {blockCount, blockTable, openBlock, type OpenedBlock, type OpenedValue} from "./block.ts";

export {matvec} from "./matvec.ts";
export {matmul} from "./matmul.ts";
export {rmsnorm, rmsnormWithScale, rmsnormRows, RMSNORM_EPS} from "./rmsnorm.ts";
export {rope, ropeNeox, ropeTables, ggmlRopeTables, ROPE_THETA, type RopeStyle, type RopeTables} from "./rope.ts";
export {addBias} from "./add-bias.ts";
export {softmax} from "./softmax.ts";
export {swiglu} from "./swiglu.ts";
export {attentionScores, attentionMix, type AttentionShape} from "./attention.ts";

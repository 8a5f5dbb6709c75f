export type {Vec, VecConstructor} from "./vec.ts";
export {matmulForward, matmulBackward} from "./matmul.ts";
export {embeddingForward, embeddingBackward} from "./embedding.ts";
export {RMS_EPS, rmsnormForward, rmsnormBackward} from "./rmsnorm.ts";
export {ROPE_THETA, rope, ropeTables, type RopeTables} from "./rope.ts";
export {attentionForward, attentionBackward, type AttentionShape} from "./attention.ts";
export {swigluForward, swigluBackward} from "./swiglu.ts";
export {crossEntropyForward, crossEntropyBackward} from "./cross-entropy.ts";

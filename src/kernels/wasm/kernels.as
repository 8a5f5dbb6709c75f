// The entry of the WebAssembly kernel module (AssemblyScript, SIMD128). Only what is re-exported here is callable
// from JavaScript. Every pointer argument is a byte offset into the one imported memory; sizes are in elements.
export {matvec} from "./matvec";
export {matmul} from "./matmul";
export {matvecQ8_0, matvecQ4_0, matvecQ4_1, matvecQ5_0, matvecQ5_1, matvecIQ4_NL, blockSums} from "./quant-matvec";
export {matvecQ2_K, matvecQ3_K, matvecQ4_K, matvecQ5_K, matvecQ6_K, blockSums16} from "./kquant-matvec";
export {matvecF16, matvecBF16} from "./half-matvec";
export {quantizeQ8, matvecQ8_0Q8, matvecQ4_0Q8, matvecQ4_1Q8} from "./quant-dot";
export {rmsnorm, rmsnormRows, rmsnormWithScale} from "./norm";
export {softmax} from "./softmax";
export {swiglu} from "./swiglu";
export {rope, ropeNeox} from "./rope";
export {attentionScores, attentionMix} from "./attention";
export {streamRead} from "./stream";
export {quantizeQ8_0x86, quantizeQ8_1, quantizeQ8_K} from "./vec-dot";
export {vecDotQ8_0, vecDotQ4_0, vecDotQ5_0, vecDotIQ4_NL, vecDotQ4_1, vecDotQ5_1} from "./vec-dot";
export {vecDotQ2_K, vecDotQ3_K, vecDotQ4_K, vecDotQ5_K, vecDotQ6_K} from "./vec-dot";
export {matmulQ8_0, matmulQ4_K} from "./quant-matmul";

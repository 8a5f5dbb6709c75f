// Named tolerances of the fast-kernel tests, each with the reason it is not zero.

/** float32 dot products summed in a different order (4-lane partial sums) than the sequential reference */
export const DOT_TOL = {atol: 1e-5, rtol: 1e-5};
/** elementwise ops: the wasm exp polynomial (Cephes expf) is within a few float32 ulp of Math.exp */
export const ELEMENTWISE_TOL = {atol: 1e-6, rtol: 2e-6};
/** the RMSNorm scale is a float32: a different f64 summation order may move it by one float32 ulp */
export const SCALE_TOL = {rtol: 1.2e-7};
/**
 * quantized matvecs: same blocks and (integer path) the same int8 codes of x, the same d and, for Q4_1, the same Q8_1
 * sum s = fp16(d·Σq) from the float32 d (ggml quantize_row_q8_1_ref, in both the wasm and src/formats/act.ts); only the
 * float32 summation order differs (4 lanes, per-block partial sums). Measured worst |diff| 6e-6 at |y| ≈ 18.
 */
export const QUANT_TOL = {atol: 2e-5, rtol: 1e-5};
/**
 * fused matvecs vs dequantize + float64 sums, each row divided by its Σ|w·x|: the kernel sums codes·x per sub-block
 * in float32 lanes and scales by d·sc afterwards (the reference rounds each weight fp32(d·sc)·q − m first), so the
 * difference is float32 rounding of sums of up to 1536 terms. Measured worst 1.6e-7 (Q2_K); a wrong bit of a layout
 * moves a row by a code step of a block, orders of magnitude more.
 */
export const FUSED_TOL = {atol: 1e-6};
/** whole-model logits, fast kernels vs reference ops: float32 reassociation through 4 layers (the engine's own bound) */
export const LOGITS_TOL = {atol: 1e-4};
/**
 * llama.cpp's integer path vs its reference (same converted x, dequantize, float64 dot), each row divided by
 * Σ|w·x'| + Σ|w|·|x|: the integer sums are exact, so what differs is the float32 scaling of each block and the float32
 * sums over at most 48 blocks (+ the reference's own rounding of dequantized weights). Measured worst 3.1e-8 (Q4_0
 * 255×1536); 8·2^−24 leaves a 15× margin. A wrong code bit moves a row by a whole code step, far more.
 */
export const VEC_DOT_TOL = {atol: 8 * 2 ** -24};

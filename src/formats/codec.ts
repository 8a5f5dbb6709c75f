// The contract every quantization format implements once bound to its parameters (a Codec), and the Q8 activation
// vector that integer dot products read. A matrix W (rows, cols) is stored row-major as
//   [header (headerBytes)] then per row: floor(cols / blockSize) blocks of blockBytes each,
// with the last cols % blockSize values of each row kept in float32 beside it (see matrix.ts).

/** An activation vector quantized to Q8_0 blocks of 32 (ggml quantize_row_q8_0 / the Q8_1 sums alongside). */
export interface Q8Vector {
  /** number of values covered by whole blocks (a multiple of 32) */
  n: number;
  /** (n / 32) block scales d, already rounded to fp16 */
  d: Float32Array;
  /** (n / 32) fp16(d · Σq) per block with the float32 d (ggml quantize_row_q8_1_ref), the Q8_1 "s" of Q4_1 / Q5_1 */
  s: Float32Array;
  /** (n,) int8 codes, x ≈ d · q */
  qs: Int8Array;
  /** (len,) the whole vector as the kernels see it: dequantized blocks, then the float32 tail unchanged */
  xq: Float32Array;
  /** (n / 32 · 34) the same blocks as ggml block_q8_0 bytes (scratch of quantizeQ8) */
  blocks: Uint8Array;
}

/**
 * The stored scales of one K-quant super-block, sub-block by sub-block: sub-block j covers values
 * [j·size, (j+1)·size) of the super-block, and its grid is level(q) = d·sc_j·q − dmin·m_j for q ∈ [qmin, qmax].
 */
export interface SubBlockScales {
  /** the fp16 super-block scale of the sub-scales */
  d: number;
  /** the fp16 super-block scale of the sub-mins (0 for the symmetric Q3_K and Q6_K) */
  dmin: number;
  /** (sub-blocks,) the integer sub-scale as the dequantizer uses it (Q3_K: the stored 6-bit s − 32) */
  scales: Int32Array;
  /** (sub-blocks,) the integer sub-min (all 0 for Q3_K and Q6_K) */
  mins: Int32Array;
  /** bits of a stored sub-scale / sub-min */
  scaleBits: number;
  /** the sub-scales are signed (Q3_K's s − 32, Q6_K's int8), and there are no sub-mins */
  signed: boolean;
  /** the code range of a value */
  qmin: number;
  qmax: number;
}

export interface Codec {
  /** canonical spec text of this format, e.g. "q4_0", "int4:g32:asym" */
  readonly name: string;
  /** values per block */
  readonly blockSize: number;
  /** bytes per block, scales included */
  readonly blockBytes: number;
  /** bytes before the first row (per-tensor statistics); 0 for block formats */
  readonly headerBytes: number;
  /** bits per weight of whole blocks, scales included (the header is counted by the matrix) */
  readonly bpw: number;
  /** K-quants: the sub-blocks that each have their own scale (and min), and how to read them from a block's bytes */
  readonly subBlocks?: {readonly size: number; read(src: Uint8Array, so: number): SubBlockScales};
  /**
   * Set when the blocks run across rows: a K-quant on rows its super-block does not divide, which ggml cannot store,
   * simulated as one run of rows·cols values (see matrix.ts). The sentence every view shows beside such a matrix:
   * "simulated: llama.cpp would store this tensor as <fallback>".
   */
  readonly simulated?: string;
  /** per-tensor formats: computes the statistics over all quantized values w and writes them at out[0..headerBytes) */
  writeHeader?(out: Uint8Array, w: Float32Array, rows: number, cols: number): void;
  /** quantizes nBlocks·blockSize values x[xo..] into nBlocks blocks at out[o..] (header already written) */
  quantizeRef(out: Uint8Array, o: number, x: Float32Array, xo: number, nBlocks: number): void;
  /**
   * ggml's importance-weighted quantizer (quantize_<type> given quant_weights, e.g. from llama-imatrix): the
   * nBlocks·blockSize values x[xo..] are one ggml row, qw[0..nBlocks·blockSize) their importance (one value per
   * column, ≥ 0). Q4_0 … Q5_1 take their σ² over this whole row. Absent for formats ggml has no such variant of.
   */
  quantizeWeighted?(out: Uint8Array, o: number, x: Float32Array, xo: number, nBlocks: number, qw: Float32Array): void;
  /** dequantizes nBlocks blocks at src[so..] into out[oo..] */
  dequantize(out: Float32Array, oo: number, src: Uint8Array, so: number, nBlocks: number): void;
  /** fused Σ ŵ·x over nBlocks blocks at src[so..] and x[xo..], dequantizing inside the loop */
  dot(src: Uint8Array, so: number, x: Float32Array, xo: number, nBlocks: number): number;
  /**
   * integer dot against a Q8 activation (ggml vec_dot_*_q8_0 / runq.c matmul), starting at value xo (a multiple of 32).
   * Formats without it use dot() with the dequantized activation, which carries the same activation error.
   */
  dotQ8?(src: Uint8Array, so: number, xq: Q8Vector, xo: number, nBlocks: number): number;
}

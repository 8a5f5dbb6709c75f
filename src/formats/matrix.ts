// A weight matrix W (rows, cols) stored quantized, and the kernels that read it.
// Rows a block size does not divide (stories260K's w2 rows are 172 long): llama.cpp refuses such tensors; we quantize
// the floor(cols / blockSize) whole blocks of each row and keep the last cols % blockSize values in float32 (`tail`),
// and `tailNote` says so. Storage: data = [codec header] then rows × (blocksPerRow · blockBytes) bytes; tail =
// (rows, tailLen) float32.
// A `simulated` codec (a K-quant on rows its 256-value super-block does not divide: every row of the built-in model)
// runs its blocks across rows instead: W is one run of rows·cols values in ceil(rows·cols / blockSize) blocks, the last
// one padded with zeros (an all-zero sub-block costs a K-quant nothing: scale and min 0), and no float32 tail. When
// rows·cols is a multiple of the block these are the bytes ggml writes for the same values as one long row.
// Storage: data = nBlocks · blockBytes bytes; blocksPerRow and rowBytes are then fractional (cols / blockSize).
import type {Codec, Q8Vector} from "./codec.ts";

export interface QuantizedMatrix {
  codec: Codec;
  rows: number;
  cols: number;
  /** whole blocks per row */
  blocksPerRow: number;
  /** bytes per row of blocks */
  rowBytes: number;
  /** values per row kept in float32 after the last whole block */
  tailLen: number;
  /** (headerBytes + rows·rowBytes) packed bytes */
  data: Uint8Array;
  /** (rows, tailLen) float32 values no block covers */
  tail: Float32Array;
  /** blocks run across rows (codec.simulated): data is one run of blocks over all rows·cols values */
  flat: boolean;
}

/**
 * What is wrong with an importance vector for rows of `cols` values (one non-negative finite value per column), or
 * null when nothing is.
 */
export function importanceProblem(importance: Float32Array, cols: number): string | null {
  if (importance.length !== cols)
    return `${importance.length} values, expected ${cols} (one per column of rows of ${cols})`;
  const bad = importance.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0) return `value ${bad} = ${importance[bad]} (an importance must be finite and ≥ 0)`;
  return null;
}

/**
 * The first block of qw[0..n) (blocks of blockSize) whose importance is 0 in every column, as a problem, or null.
 * ggml's weighted quantizers have nothing to fit such a block by: Q2_K, Q4_K, Q5_K and IQ4_NL compute 0/0 scales
 * (NaN blocks; a debug build of ggml aborts in nearest_int), Q3_K, Q6_K, Q4_0 and Q5_0 store the block as all zeros;
 * only Q4_1 and Q5_1 keep their min–max grid. Refused for every format, so the rule is one.
 */
export function zeroImportanceProblem(qw: Float32Array, blockSize: number, n = qw.length): string | null {
  for (let b = 0; b + blockSize <= n; b += blockSize) {
    let any = false;
    for (let j = b; j < b + blockSize && !any; j++) any = qw[j]! > 0;
    if (!any)
      return (
        `importance 0 for every value of block ${b / blockSize} (values ${b}–${b + blockSize - 1} of a row), ` +
        "which ggml's weighted quantizers cannot fit (NaN or all-zero blocks): give those columns a small positive importance"
      );
  }
  return null;
}

/** The codec's weighted quantizer, after checking the importance vector; throws when the format has none. */
function weightedQuantizer(
  codec: Codec,
  importance: Float32Array,
  cols: number
): NonNullable<Codec["quantizeWeighted"]> {
  const problem = importanceProblem(importance, cols);
  if (problem) throw new Error(`invalid importance: ${problem}`);
  if (!codec.quantizeWeighted)
    throw new Error(
      `invalid importance: ${codec.name} has no importance-weighted quantizer ` +
        "(ggml's have: q2_k q3_k q4_k q5_k q6_k q4_0 q4_1 q5_0 q5_1 iq4_nl; q8_0 ignores it)"
    );
  const zero = zeroImportanceProblem(importance, codec.blockSize, cols - (cols % codec.blockSize));
  if (zero && codec.simulated === undefined) throw new Error(`invalid importance: ${zero}`);
  return codec.quantizeWeighted.bind(codec);
}

/**
 * The flat run: w (rows·cols,) zero-padded to whole blocks, quantized as one sequence of blocks. With an importance
 * vector (cols,), value k of the run gets importance[k mod cols], the padding 0: the run is one ggml row.
 */
function quantizeFlat(
  codec: Codec,
  w: Float32Array,
  rows: number,
  cols: number,
  importance: Float32Array | undefined
): QuantizedMatrix {
  const bs = codec.blockSize;
  const nBlocks = Math.ceil(w.length / bs);
  const run = w.length === nBlocks * bs ? w : new Float32Array(nBlocks * bs);
  if (run !== w) run.set(w);
  const data = new Uint8Array(nBlocks * codec.blockBytes);
  if (importance) {
    const quantize = weightedQuantizer(codec, importance, cols);
    const qw = new Float32Array(nBlocks * bs);
    for (let r = 0; r < rows; r++) qw.set(importance, r * cols);
    const zero = zeroImportanceProblem(qw, bs, w.length - (w.length % bs));
    if (zero) throw new Error(`invalid importance: ${zero.replace("of a row", "of the run of all rows")}`);
    quantize(data, 0, run, 0, nBlocks, qw);
  } else {
    codec.quantizeRef(data, 0, run, 0, nBlocks);
  }
  const blocksPerRow = cols / bs;
  const rowBytes = blocksPerRow * codec.blockBytes;
  return {codec, rows, cols, blocksPerRow, rowBytes, tailLen: 0, data, tail: new Float32Array(0), flat: true};
}

/**
 * W (rows, cols) quantized row by row. importance (cols,): ggml's importance-weighted quantizer instead of the
 * reference one (quantize_<type> with quant_weights), each row's whole blocks as one ggml row.
 */
export function quantizeMatrix(
  codec: Codec,
  w: Float32Array,
  rows: number,
  cols: number,
  importance?: Float32Array
): QuantizedMatrix {
  if (w.length !== rows * cols) throw new Error(`invalid matrix size: ${w.length} values for ${rows}×${cols}`);
  if (codec.simulated !== undefined) return quantizeFlat(codec, w, rows, cols, importance);
  const weighted = importance ? weightedQuantizer(codec, importance, cols) : null;
  const blocksPerRow = Math.floor(cols / codec.blockSize);
  const rowBytes = blocksPerRow * codec.blockBytes;
  const tailLen = cols - blocksPerRow * codec.blockSize;
  const data = new Uint8Array(codec.headerBytes + rows * rowBytes);
  const tail = new Float32Array(rows * tailLen);
  codec.writeHeader?.(data, w, rows, cols);
  for (let r = 0; r < rows; r++) {
    if (weighted) weighted(data, codec.headerBytes + r * rowBytes, w, r * cols, blocksPerRow, importance!);
    else codec.quantizeRef(data, codec.headerBytes + r * rowBytes, w, r * cols, blocksPerRow);
    tail.set(w.subarray(r * cols + cols - tailLen, (r + 1) * cols), r * tailLen);
  }
  return {codec, rows, cols, blocksPerRow, rowBytes, tailLen, data, tail, flat: false};
}

/** Packed bytes plus float32 tail bytes: what the matrix really occupies. */
export function quantizedBytes(q: QuantizedMatrix): number {
  return q.data.byteLength + q.tail.byteLength;
}

/** Effective bits per weight of this matrix, header, scales and float32 tails included. */
export function matrixBpw(q: QuantizedMatrix): number {
  return (quantizedBytes(q) * 8) / (q.rows * q.cols);
}

/**
 * A sentence for matrices whose rows the block does not divide (a float32 tail, or a simulated flat run: it starts
 * with the codec's "simulated: llama.cpp would store this tensor as …"), or null when every row is whole blocks.
 */
export function tailNote(q: QuantizedMatrix): string | null {
  const {blockSize} = q.codec;
  if (q.flat) {
    const n = q.rows * q.cols;
    const nBlocks = Math.ceil(n / blockSize);
    const pad = nBlocks * blockSize - n;
    return (
      `${q.codec.simulated} (rows of ${q.cols} are not a multiple of ${q.codec.name}'s super-block of ${blockSize}: ` +
      `quantized as one run of ${n} values in ${nBlocks} super-blocks${pad ? `, the last padded with ${pad} zeros` : ""})`
    );
  }
  if (q.tailLen === 0) return null;
  return (
    `rows of ${q.cols} are not a multiple of ${q.codec.name}'s block of ${blockSize}: ` +
    `${q.blocksPerRow * blockSize} values per row quantized, the last ${q.tailLen} kept in float32`
  );
}

/** (n,) scratch for the blocks a flat row spans, grown on demand */
let flatScratch = new Float32Array(0);

/** Row r of a flat matrix: the blocks holding values [r·cols, (r+1)·cols) of the run, dequantized, then sliced. */
function dequantizeFlatRow(out: Float32Array, q: QuantizedMatrix, r: number): void {
  const {codec, cols} = q;
  const bs = codec.blockSize;
  const first = Math.floor((r * cols) / bs);
  const count = Math.floor(((r + 1) * cols - 1) / bs) - first + 1;
  if (flatScratch.length < count * bs) flatScratch = new Float32Array(count * bs);
  codec.dequantize(flatScratch, 0, q.data, first * codec.blockBytes, count);
  const o = r * cols - first * bs;
  for (let j = 0; j < cols; j++) out[j] = flatScratch[o + j]!;
}

/** (cols,) one row of a flat matrix for the matvecs, grown on demand */
let flatRowScratch = new Float32Array(0);

/** Flat matrix @ x (cols,) -> out (rows,): each row dequantized (the run's blocks do not align with rows), then dotted. */
function matvecFlat(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void {
  if (flatRowScratch.length < q.cols) flatRowScratch = new Float32Array(q.cols);
  const row = flatRowScratch;
  for (let r = 0; r < q.rows; r++) {
    dequantizeFlatRow(row, q, r);
    let s = 0;
    for (let j = 0; j < q.cols; j++) s += row[j]! * x[j]!;
    out[r] = s;
  }
}

/** Row r of W, dequantized: out (cols,). */
export function dequantizeRow(out: Float32Array, q: QuantizedMatrix, r: number): void {
  if (q.flat) return dequantizeFlatRow(out, q, r);
  const {codec, cols, blocksPerRow, tailLen} = q;
  codec.dequantize(out, 0, q.data, codec.headerBytes + r * q.rowBytes, blocksPerRow);
  for (let j = 0, t = r * tailLen, o = cols - tailLen; j < tailLen; j++) out[o + j] = q.tail[t + j]!;
}

/** All of W, dequantized: out (rows·cols,). */
export function dequantizeMatrix(out: Float32Array, q: QuantizedMatrix): void {
  if (q.flat && (q.rows * q.cols) % q.codec.blockSize === 0) {
    q.codec.dequantize(out, 0, q.data, 0, (q.rows * q.cols) / q.codec.blockSize);
    return;
  }
  for (let r = 0; r < q.rows; r++) dequantizeRow(out.subarray(r * q.cols, (r + 1) * q.cols), q, r);
}

function tailDot(q: QuantizedMatrix, r: number, x: Float32Array): number {
  let s = 0;
  for (let j = 0, t = r * q.tailLen, xo = q.cols - q.tailLen; j < q.tailLen; j++) s += q.tail[t + j]! * x[xo + j]!;
  return s;
}

/** Fused: W (rows, cols) @ x (cols,) -> out (rows,), dequantizing inside each dot product; nothing materialized. */
export function matvecQuant(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void {
  if (q.flat) return matvecFlat(out, x, q);
  const {codec, blocksPerRow, rowBytes} = q;
  for (let r = 0, so = codec.headerBytes; r < q.rows; r++, so += rowBytes) {
    out[r] = codec.dot(q.data, so, x, 0, blocksPerRow) + tailDot(q, r, x);
  }
}

/**
 * Fused with a Q8_0 activation: W (rows, cols) @ x̃ (cols,) -> out (rows,), where x̃ is x quantized once per matvec.
 * Integer block dots where the format has them (block size a multiple of 32); else (and for a flat matrix) the
 * dequantized x̃ in float.
 */
export function matvecQuantQ8(out: Float32Array, xq: Q8Vector, q: QuantizedMatrix): void {
  if (q.flat) return matvecFlat(out, xq.xq, q);
  const {codec, blocksPerRow, rowBytes} = q;
  const integer = codec.dotQ8 && codec.blockSize % 32 === 0 && blocksPerRow * codec.blockSize <= xq.n;
  for (let r = 0, so = codec.headerBytes; r < q.rows; r++, so += rowBytes) {
    const blocks = integer
      ? codec.dotQ8!(q.data, so, xq, 0, blocksPerRow)
      : codec.dot(q.data, so, xq.xq, 0, blocksPerRow);
    out[r] = blocks + tailDot(q, r, xq.xq);
  }
}

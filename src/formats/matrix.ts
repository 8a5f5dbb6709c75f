// A weight matrix W (rows, cols) stored quantized, and the kernels that read it.
// Rows a block size does not divide (stories260K's w2 rows are 172 long): llama.cpp refuses such tensors; we quantize
// the floor(cols / blockSize) whole blocks of each row and keep the last cols % blockSize values in float32 (`tail`),
// and `tailNote` says so. Storage: data = [codec header] then rows × (blocksPerRow · blockBytes) bytes; tail =
// (rows, tailLen) float32.
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
}

export function quantizeMatrix(codec: Codec, w: Float32Array, rows: number, cols: number): QuantizedMatrix {
  if (w.length !== rows * cols) throw new Error(`invalid matrix size: ${w.length} values for ${rows}×${cols}`);
  const blocksPerRow = Math.floor(cols / codec.blockSize);
  const rowBytes = blocksPerRow * codec.blockBytes;
  const tailLen = cols - blocksPerRow * codec.blockSize;
  const data = new Uint8Array(codec.headerBytes + rows * rowBytes);
  const tail = new Float32Array(rows * tailLen);
  codec.writeHeader?.(data, w, rows, cols);
  for (let r = 0; r < rows; r++) {
    codec.quantizeRef(data, codec.headerBytes + r * rowBytes, w, r * cols, blocksPerRow);
    tail.set(w.subarray(r * cols + cols - tailLen, (r + 1) * cols), r * tailLen);
  }
  return {codec, rows, cols, blocksPerRow, rowBytes, tailLen, data, tail};
}

/** Packed bytes plus float32 tail bytes: what the matrix really occupies. */
export function quantizedBytes(q: QuantizedMatrix): number {
  return q.data.byteLength + q.tail.byteLength;
}

/** Effective bits per weight of this matrix, header, scales and float32 tails included. */
export function matrixBpw(q: QuantizedMatrix): number {
  return (quantizedBytes(q) * 8) / (q.rows * q.cols);
}

/** A sentence for matrices with a float32 tail, or null when every value is in a block. */
export function tailNote(q: QuantizedMatrix): string | null {
  if (q.tailLen === 0) return null;
  const {blockSize} = q.codec;
  return (
    `rows of ${q.cols} are not a multiple of ${q.codec.name}'s block of ${blockSize}: ` +
    `${q.blocksPerRow * blockSize} values per row quantized, the last ${q.tailLen} kept in float32`
  );
}

/** Row r of W, dequantized: out (cols,). */
export function dequantizeRow(out: Float32Array, q: QuantizedMatrix, r: number): void {
  const {codec, cols, blocksPerRow, tailLen} = q;
  codec.dequantize(out, 0, q.data, codec.headerBytes + r * q.rowBytes, blocksPerRow);
  for (let j = 0, t = r * tailLen, o = cols - tailLen; j < tailLen; j++) out[o + j] = q.tail[t + j]!;
}

/** All of W, dequantized: out (rows·cols,). */
export function dequantizeMatrix(out: Float32Array, q: QuantizedMatrix): void {
  for (let r = 0; r < q.rows; r++) dequantizeRow(out.subarray(r * q.cols, (r + 1) * q.cols), q, r);
}

function tailDot(q: QuantizedMatrix, r: number, x: Float32Array): number {
  let s = 0;
  for (let j = 0, t = r * q.tailLen, xo = q.cols - q.tailLen; j < q.tailLen; j++) s += q.tail[t + j]! * x[xo + j]!;
  return s;
}

/** Fused: W (rows, cols) @ x (cols,) -> out (rows,), dequantizing inside each dot product; nothing materialized. */
export function matvecQuant(out: Float32Array, x: Float32Array, q: QuantizedMatrix): void {
  const {codec, blocksPerRow, rowBytes} = q;
  for (let r = 0, so = codec.headerBytes; r < q.rows; r++, so += rowBytes) {
    out[r] = codec.dot(q.data, so, x, 0, blocksPerRow) + tailDot(q, r, x);
  }
}

/**
 * Fused with a Q8_0 activation: W (rows, cols) @ x̃ (cols,) -> out (rows,), where x̃ is x quantized once per matvec.
 * Integer block dots where the format has them (block size a multiple of 32); else the dequantized x̃ in float.
 */
export function matvecQuantQ8(out: Float32Array, xq: Q8Vector, q: QuantizedMatrix): void {
  const {codec, blocksPerRow, rowBytes} = q;
  const integer = codec.dotQ8 && codec.blockSize % 32 === 0 && blocksPerRow * codec.blockSize <= xq.n;
  for (let r = 0, so = codec.headerBytes; r < q.rows; r++, so += rowBytes) {
    const blocks = integer
      ? codec.dotQ8!(q.data, so, xq, 0, blocksPerRow)
      : codec.dot(q.data, so, xq.xq, 0, blocksPerRow);
    out[r] = blocks + tailDot(q, r, xq.xq);
  }
}

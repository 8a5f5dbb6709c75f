// Int8 absmax quantization error of the model's matrices with the quant module's reference codecs, one scale per
// tensor ("int8:tensor") against one per row ("int8:row"): SQNR dB = 10·log10(Σw² / Σ(w − ŵ)²), summed over every
// layer's copy of a tensor, and over all matrices.
import {dequantizeMatrix, quantizeMatrix} from "../formats/matrix.ts";
import {toFormat} from "../formats/schemes.ts";
import type {Config} from "../engine/model.ts";
import {paramLayout, type TensorName} from "./params.ts";

export const INT8_FORMATS = {perTensor: "int8:tensor", perRow: "int8:row"} as const;

export interface SqnrRow {
  name: TensorName | "all";
  perTensorDb: number;
  perRowDb: number;
}

interface Sums {
  signal: number;
  perTensor: number; // Σ squared error
  perRow: number;
}

const db = (s: Sums): SqnrRow => ({
  name: "all",
  perTensorDb: 10 * Math.log10(s.signal / s.perTensor),
  perRowDb: 10 * Math.log10(s.signal / s.perRow)
});

export function int8Sqnr(c: Config, params: Float32Array): SqnrRow[] {
  const total: Sums = {signal: 0, perTensor: 0, perRow: 0};
  const rows: SqnrRow[] = [];
  for (const t of paramLayout(c).filter((t) => t.matrix)) {
    const size = t.rows * t.cols;
    const sums: Sums = {signal: 0, perTensor: 0, perRow: 0};
    for (let l = 0; l < t.layers; l++) {
      const w = params.subarray(t.offset + l * size, t.offset + (l + 1) * size);
      for (const key of ["perTensor", "perRow"] as const) {
        const approx = new Float32Array(size);
        dequantizeMatrix(approx, quantizeMatrix(toFormat(INT8_FORMATS[key]).codec(t.rows, t.cols), w, t.rows, t.cols));
        for (let i = 0; i < size; i++) sums[key] += (w[i]! - approx[i]!) ** 2;
      }
      for (let i = 0; i < size; i++) sums.signal += w[i]! * w[i]!;
    }
    rows.push({...db(sums), name: t.name});
    for (const key of ["signal", "perTensor", "perRow"] as const) total[key] += sums[key];
  }
  rows.push(db(total));
  return rows;
}

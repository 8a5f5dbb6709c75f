// What an importance matrix buys, for the quantization-error notebook: one weight matrix quantized by ggml's plain
// quantizer and by its importance-weighted one (formats/importance.ts), the importance-weighted SQNR (the error the
// weighted quantizer minimises, 10·log10(Σ qw·w² / Σ qw·(w − ŵ)²), column j weighted by its importance qw[j]) and the
// plain SQNR of each, and the per-column data of the importance chart. modelImatrixGain collects the importance from
// the model's own activations first (llama-imatrix's way, quant/imatrix).
import {type Transformer} from "../../engine/index.ts";
import {dequantizeMatrix, quantizeMatrix, tailNote, toFormat, type MatrixName} from "../../quant/index.ts";
import {collectImatrix, imatrixFile, importanceOf, type CollectOptions} from "../../quant/imatrix/index.ts";
import {ggufTensorName, isLayerMatrix} from "../../model-files/matrix-names.ts";
import {originalOf} from "./quant-error.ts";

/** The formats with an importance-weighted quantizer that the notebook compares by default, fewest bits first. */
export const IMATRIX_FORMATS = ["q2_k", "q3_k", "iq4_nl", "q4_0", "q4_k", "q5_k", "q6_k"];

export interface ImatrixGainRow {
  format: string;
  /** dB, without / with the importance */
  weightedSqnrPlain: number;
  weightedSqnrImatrix: number;
  sqnrPlain: number;
  sqnrImatrix: number;
  /** weightedSqnrImatrix − weightedSqnrPlain: what the importance buys on the error it weighs (dB) */
  gainDb: number;
  /** the matrix's tail or simulation sentence (matrix.ts tailNote), null when its rows are whole blocks */
  note: string | null;
}

export interface ImatrixGain {
  rows: number;
  cols: number;
  /** (cols,) the importance of each input column */
  importance: Float32Array;
  /** (cols,) mean |w| of each column, the chart's other line */
  weightMagnitude: Float64Array;
  formats: ImatrixGainRow[];
}

const db = (signal: number, noise: number) => (noise === 0 ? Infinity : 10 * Math.log10(signal / noise));

/** Both SQNRs of w (rows, cols) quantized to `format`, with or without the importance. */
function errors(format: string, w: Float32Array, rows: number, cols: number, qw: Float32Array, use: boolean) {
  const q = quantizeMatrix(toFormat(format).codec(rows, cols), w, rows, cols, use ? qw : undefined);
  const y = new Float32Array(w.length);
  dequantizeMatrix(y, q);
  let signal = 0;
  let noise = 0;
  let wSignal = 0;
  let wNoise = 0;
  for (let i = 0; i < w.length; i++) {
    const e = (w[i]! - y[i]!) ** 2;
    const k = qw[i % cols]!;
    signal += w[i]! ** 2;
    noise += e;
    wSignal += k * w[i]! ** 2;
    wNoise += k * e;
  }
  return {sqnr: db(signal, noise), weighted: db(wSignal, wNoise), note: tailNote(q)};
}

/** The gain of the importance qw (cols,) on w (rows, cols), per format. */
export function imatrixGain(
  w: Float32Array,
  rows: number,
  cols: number,
  importance: Float32Array,
  formats: readonly string[] = IMATRIX_FORMATS
): ImatrixGain {
  const weightMagnitude = new Float64Array(cols);
  for (let i = 0; i < w.length; i++) weightMagnitude[i % cols] += Math.abs(w[i]!) / rows;
  const rowsOut = formats.map((format) => {
    const plain = errors(format, w, rows, cols, importance, false);
    const weighted = errors(format, w, rows, cols, importance, true);
    return {
      format,
      weightedSqnrPlain: plain.weighted,
      weightedSqnrImatrix: weighted.weighted,
      sqnrPlain: plain.sqnr,
      sqnrImatrix: weighted.sqnr,
      gainDb: weighted.weighted - plain.weighted,
      note: weighted.note
    };
  });
  return {rows, cols, importance, weightMagnitude, formats: rowsOut};
}

export interface ModelImatrixGainOptions extends Omit<CollectOptions, "processOutput"> {
  /** the matrix and its block (default blk.0.ffn_down, the matrix llama.cpp's imatrix notes care most about) */
  name?: MatrixName;
  layer?: number;
  formats?: readonly string[];
}

/** Collects the importance of one matrix from the model running `tokens` (llama-imatrix), then imatrixGain. */
export async function modelImatrixGain(
  model: Transformer,
  tokens: ArrayLike<number>,
  options: ModelImatrixGainOptions = {}
): Promise<ImatrixGain & {tensor: string; chunks: number}> {
  const {name = "ffn_down", layer = 0, formats, ...collect} = options;
  if (name === "token_embd") throw new Error("invalid name: token_embd (a row lookup: no input columns to weigh)");
  const tensor = ggufTensorName(name, layer);
  const collection = await collectImatrix(model, tokens, {...collect, processOutput: name === "output"});
  const entry = imatrixFile(collection).entries.find((e) => e.name === tensor);
  if (!entry) throw new Error(`invalid name: ${tensor} (not collected: a shared classifier is token_embd)`);
  // exactly what llama-quantize would pass for this tensor after a round trip through the .dat file
  const importance = importanceOf(entry);
  const w = originalOf(model, name, isLayerMatrix(name) ? layer : 0);
  const cols = importance.length;
  return {...imatrixGain(w, w.length / cols, cols, importance, formats), tensor, chunks: collection.chunks};
}

// Quantization error of every weight matrix of a model under a spec, from the quant provider itself (so the numbers
// are those of the weights the model really computes with): SQNR per tensor, per layer (all of a layer's matrices
// together) and per block of one tensor.
import {layerViews, type Transformer} from "../../engine/index.ts";
import {
  chunkSqnrDb,
  isLayerMatrix,
  targetOf,
  toFormat,
  type MatrixName,
  type QuantMatrices
} from "../../quant/index.ts";

// the spec target naming one matrix lives with the grammar (quant/spec.ts); the lessons' index exports it from here
export {targetOf};

export interface TensorError {
  /** the spec target naming this one matrix: "blk.0.attn_q", "token_embd", "output" */
  target: string;
  name: MatrixName;
  layer: number;
  rows: number;
  cols: number;
  format: string;
  bpw: number;
  /** Σ w², Σ (w − ŵ)² */
  signal: number;
  noise: number;
  sqnrDb: number;
}

/** (rows, cols) the float32 original of one matrix. */
export function originalOf(model: Transformer, name: MatrixName, layer: number): Float32Array {
  return layerViews(model, name)[isLayerMatrix(name) ? layer : 0]!;
}

const db = (signal: number, noise: number) => (noise === 0 ? Infinity : 10 * Math.log10(signal / noise));

/** Every matrix of the provider's current spec with its error against the float32 original. */
export function tensorErrors(model: Transformer, provider: QuantMatrices): TensorError[] {
  const report = provider.report();
  const embFormat = report.find((r) => r.name === "token_embd")?.format;
  // a shared classifier in the embedding's format is the embedding table itself: count it once
  const distinct = report.filter(
    (r) => !(r.name === "output" && model.config.sharedClassifier && r.format === embFormat)
  );
  return distinct.map((r) => {
    const ref = originalOf(model, r.name, r.layer);
    const approx = provider.effective(r.name, r.layer);
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < ref.length; i++) {
      signal += ref[i]! * ref[i]!;
      noise += (ref[i]! - approx[i]!) ** 2;
    }
    const {name, layer, rows, cols, format, bpw} = r;
    return {
      target: targetOf(name, layer),
      name,
      layer,
      rows,
      cols,
      format,
      bpw,
      signal,
      noise,
      sqnrDb: db(signal, noise)
    };
  });
}

/** SQNR of each layer's matrices taken together, and of the whole model's; tensors outside layers are left out. */
export function layerSqnr(errors: readonly TensorError[], nLayers: number): {layers: number[]; model: number} {
  const inLayer = errors.filter((e) => isLayerMatrix(e.name));
  const layers = Array.from({length: nLayers}, (_, l) => {
    const mine = inLayer.filter((e) => e.layer === l);
    return db(
      sum(mine, (e) => e.signal),
      sum(mine, (e) => e.noise)
    );
  });
  return {
    layers,
    model: db(
      sum(errors, (e) => e.signal),
      sum(errors, (e) => e.noise)
    )
  };
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

/** (rows, blocksPerRow) SQNR per quantization block of one matrix, and the block size used. */
export function blockSqnr(
  model: Transformer,
  provider: QuantMatrices,
  name: MatrixName,
  layer: number
): {sqnr: Float64Array; rows: number; cols: number; blockSize: number} {
  const e = provider.report().find((r) => r.name === name && r.layer === layer);
  if (!e) throw new Error(`invalid matrix: ${name} in layer ${layer}`);
  const codec = e.format === "fp32" ? null : toFormat(e.format).codec(e.rows, e.cols);
  // a K-quant's grid is per sub-block (its own integer scale and min), so that is its block here
  const blockSize = codec ? Math.min(e.cols, codec.subBlocks?.size ?? codec.blockSize) : e.cols;
  // a row is cut in blocks; chunks of one row's length keep blocks from spanning rows
  const perRow = Math.ceil(e.cols / blockSize);
  const ref = originalOf(model, name, layer);
  const approx = provider.effective(name, layer);
  const sqnr = new Float64Array(e.rows * perRow);
  for (let r = 0; r < e.rows; r++) {
    const row = (a: Float32Array) => a.subarray(r * e.cols, (r + 1) * e.cols);
    sqnr.set(chunkSqnrDb(row(ref), row(approx), blockSize), r * perRow);
  }
  return {sqnr, rows: e.rows, cols: perRow, blockSize};
}

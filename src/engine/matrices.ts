// The matrix provider: the only way the forward pass touches a weight matrix.
//
// Contract (quant providers implement the same):
// - `matvec(out, x, name, layer)`: W (d,n) @ x (n,) -> out (d,), W = matrix `name` of block `layer`.
// - `matmul(out, x, T, name, layer)`: X (T,n) @ W (d,n)ᵀ -> out (T,d), rows of X and out contiguous.
// - `embed(out, token)`: out (D,) = row `token` of token_embd (V, D).
// - names are GGUF's (model-files/matrix-names.ts): attn_q (D,D) attn_k (KV,D) attn_v (KV,D) attn_output (D,D)
//   ffn_gate (H,D) ffn_down (D,H) ffn_up (H,D), output (V,D) the classifier (layer is 0 for output).
//   `matrixShape(config, name)` gives (d, n); `WEIGHT_FIELD[name]` is the Weights field (llama2.c's name) holding it.
// - out is caller-owned and fully overwritten; x is read-only; out and x never alias.
// - `profiler` is set by the engine (null when profiling is off). The engine times each provider call and books
//   it as matmul; a provider that spends time turning stored weights into floats reports that part with
//   `this.profiler?.add("get_w", layer, ms)` and the engine subtracts it from matmul. Make no timing call when
//   profiler is null. Bytes go to `this.profiler?.addBytes(category, layer, n)`: "matmul" for the weight bytes the
//   kernels read, "get_w" for packed bytes dequantized, "other" for embedding rows (layer -1 for output and embed).
// - Swap the provider on a live model with `setMatrices(model, provider)`: the next forward call uses it.
// - Providers read the model's current kernel table (`host.kernels`) at call time, so kernel swaps apply too.
// - A model loaded from a GGUF file may keep its matrices packed in the file's own types (`host.file`): their Weights
//   fields are then empty, and only a provider that reads `host.file` can run them (fp32Matrices and layerViews refuse).
import type {QuantKernels, WeightRegion} from "../formats/kernels.ts";
import {GGML_CODECS} from "../formats/ggml-codecs.ts";
import type {QuantizedMatrix} from "../formats/matrix.ts";
import {isLayerMatrix, LINEAR_MATRICES, type LinearMatrix, type MatrixName} from "../model-files/matrix-names.ts";
import type {Kernels} from "./backend.ts";
import type {Config, WeightName, Weights} from "./model.ts";
import type {Profiler} from "./profiler.ts";

/** The Weights field that holds each matrix (the engine's structs keep llama2.c's names). */
export const WEIGHT_FIELD: Readonly<Record<MatrixName, WeightName>> = {
  token_embd: "tokEmbeddings",
  attn_q: "wq",
  attn_k: "wk",
  attn_v: "wv",
  attn_output: "wo",
  ffn_gate: "w1",
  ffn_down: "w2",
  ffn_up: "w3",
  output: "wcls"
};

export interface MatrixProvider {
  /** what this provider does, for reports (e.g. "fp32", "q4_0 cached") */
  readonly kind: string;
  profiler: Profiler | null;
  matvec(out: Float32Array, x: Float32Array, name: LinearMatrix, layer: number): void;
  matmul(out: Float32Array, x: Float32Array, T: number, name: LinearMatrix, layer: number): void;
  embed(out: Float32Array, token: number): void;
}

/** One weight matrix as a GGUF file stores it. */
export interface FileMatrix {
  /** the ggml type name (F32, F16, Q4_K, …) */
  type: string;
  /** (d, n) its bytes as stored, rows of blocks */
  bytes: Uint8Array;
}

/** A GGUF model's matrices as the file stores them. */
export interface FileMatrices {
  /** the file's tensor types, most frequent first, e.g. "13 × Q4_K, 3 × Q6_K, 5 × F32" */
  readonly summary: string;
  /** matrix `name` of block `layer` (token_embd and output: layer 0; a tied file's output is its token_embd) */
  matrix(name: MatrixName, layer: number): FileMatrix;
}

/** What a provider is built from: the model's config, its fp32 weights, its kernel tables and weight region. */
export interface MatrixHost {
  readonly config: Config;
  readonly weights: Weights;
  /** the matrices as a GGUF file stores them (null: not a GGUF model) */
  readonly file?: FileMatrices | null;
  kernels: Kernels;
  quantKernels?: QuantKernels | null;
  weightRegion?: WeightRegion | null;
}

/** (d, n) of matrix `name`: d output rows of n inputs. */
export function matrixShape(c: Config, name: MatrixName): [number, number] {
  const {dim: D, kvDim: KV, hiddenDim: H, vocabSize: V} = c;
  const shapes: Record<MatrixName, [number, number]> = {
    token_embd: [V, D],
    attn_q: [D, D],
    attn_k: [KV, D],
    attn_v: [KV, D],
    attn_output: [D, D],
    ffn_gate: [H, D],
    ffn_down: [D, H],
    ffn_up: [H, D],
    output: [V, D]
  };
  return shapes[name];
}

/** Views of one matrix per layer: layerViews(host, "attn_q")[l] is (D, D). token_embd and output have one entry. */
export function layerViews(host: MatrixHost, name: MatrixName): Float32Array[] {
  const [d, n] = matrixShape(host.config, name);
  const all = host.weights[WEIGHT_FIELD[name]];
  if (!hasFloats(host, name))
    throw new Error(
      `${name} is kept packed in the file's type (${host.file?.matrix(name, 0).type}): it has no float32 weights to view; ` +
        `read it through a weight mode (setQuant) and its effective() floats`
    );
  const layers = isLayerMatrix(name) ? host.config.nLayers : 1;
  return Array.from({length: layers}, (_, l) => all.subarray(l * d * n, (l + 1) * d * n));
}

/** Whether matrix `name` has float32 weights in Weights (false: kept packed in the file's type, see host.file). */
export function hasFloats(host: MatrixHost, name: MatrixName): boolean {
  const [d, n] = matrixShape(host.config, name);
  return host.weights[WEIGHT_FIELD[name]].length >= d * n;
}

/**
 * Matrix `name` of block `layer` as the file stores it, as a packed matrix over the file's bytes (no copy) that the
 * formats' kernels read; null when the model is not a GGUF or the file stores the matrix as F32.
 */
export function filePacked(host: MatrixHost, name: MatrixName, layer: number): QuantizedMatrix | null {
  const stored = host.file?.matrix(name, layer);
  const codec = stored && GGML_CODECS.get(stored.type);
  if (!stored || !codec) return null;
  const [rows, cols] = matrixShape(host.config, name);
  const blocksPerRow = cols / codec.blockSize; // whole blocks: the GGUF reader checks every row
  const rowBytes = blocksPerRow * codec.blockBytes;
  if (!Number.isInteger(blocksPerRow) || stored.bytes.byteLength !== rows * rowBytes)
    throw new Error(
      `${name} of layer ${layer}: ${stored.bytes.byteLength} bytes are not ${rows} rows of ${stored.type}`
    );
  return {
    codec,
    rows,
    cols,
    blocksPerRow,
    rowBytes,
    tailLen: 0,
    data: stored.bytes,
    tail: new Float32Array(0),
    flat: false
  };
}

/** The reference provider: plain float32 weights, nothing converted, so get_w is zero. */
export function fp32Matrices(host: MatrixHost): MatrixProvider {
  const views = Object.fromEntries(LINEAR_MATRICES.map((name) => [name, layerViews(host, name)])) as Record<
    LinearMatrix,
    Float32Array[]
  >;
  const shapes = Object.fromEntries(LINEAR_MATRICES.map((name) => [name, matrixShape(host.config, name)])) as Record<
    LinearMatrix,
    [number, number]
  >;
  const {dim} = host.config;
  const emb = host.weights.tokEmbeddings;
  return {
    kind: "fp32",
    profiler: null,
    // shapes[name][0] rather than `const [d, n] = ...`: array destructuring may make an iterator per call
    matvec(out, x, name, layer) {
      const shape = shapes[name];
      host.kernels.matvec(out, x, views[name][layer]!, shape[1], shape[0]);
      this.profiler?.addBytes("matmul", name === "output" ? -1 : layer, 4 * shape[0] * shape[1]);
      this.profiler?.addBytes("get_w", name === "output" ? -1 : layer, 0); // nothing dequantized: a measured 0
    },
    matmul(out, x, T, name, layer) {
      const shape = shapes[name];
      host.kernels.matmul(out, x, views[name][layer]!, T, shape[1], shape[0]);
      this.profiler?.addBytes("matmul", name === "output" ? -1 : layer, 4 * shape[0] * shape[1] * T);
      this.profiler?.addBytes("get_w", name === "output" ? -1 : layer, 0);
    },
    embed(out, token) {
      for (let j = 0; j < dim; j++) out[j] = emb[token * dim + j]!;
      this.profiler?.addBytes("other", -1, 4 * dim);
    }
  };
}

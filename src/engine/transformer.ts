// A loaded model: Config, Weights (read-only), RunState, RoPE tables, and the three swappable parts the forward pass
// goes through: the kernel table, the matrix provider, and the (optional) profiler and hooks. A fast backend also
// hands the quant providers its fused kernels and a region of its memory (null: the TS reference and plain arrays).
import type {KvType} from "./kv-cache.ts";
import type {QuantKernels, WeightRegion} from "../formats/kernels.ts";
import {referenceKernels, type Kernels} from "./backend.ts";
import type {HookTable} from "./hooks/hooks.ts";
import {fp32Matrices, type FileMatrices, type MatrixHost, type MatrixProvider} from "./matrices.ts";
import {createRunState, defaultAlloc, type Alloc, type Config, type RunState, type Weights} from "./model.ts";
import {ggmlRopeTables, ropeTables, type RopeTables} from "./ops/rope.ts";
import {Profiler} from "./profiler.ts";

export interface Transformer {
  readonly config: Config;
  readonly weights: Weights;
  /** the matrices as a GGUF file stores them, packed ones included (null: not a GGUF model) */
  readonly file: FileMatrices | null;
  state: RunState;
  readonly rope: RopeTables;
  /** per-layer views of the RMSNorm weights, made once so a decode step creates no views */
  readonly norms: {att: Float32Array[]; ffn: Float32Array[]};
  /** per-layer views of the q/k/v biases (null: the model has none) */
  readonly biases: {q: Float32Array[]; k: Float32Array[]; v: Float32Array[]} | null;
  readonly alloc: Alloc;
  kernels: Kernels;
  /** fused quantized matvecs of the backend (null: the quant providers use the src/quant reference) */
  quantKernels: QuantKernels | null;
  /** memory the backend's kernels read fastest, for cached floats and placed blocks (null: plain arrays) */
  weightRegion: WeightRegion | null;
  matrices: MatrixProvider;
  profiler: Profiler | null;
  hooks: HookTable | null;
  /** the KV cache's type (kv-cache.ts); set it before the first position, as llama.cpp's -ctk/-ctv */
  kv: KvType;
}

export interface TransformerOptions {
  /** where large buffers live (default `new Float32Array`) */
  alloc?: Alloc;
  /** kernel table (default the reference ops) */
  kernels?: Kernels;
  /** fused quantized kernels of the backend (default null: the src/quant reference) */
  quantKernels?: QuantKernels | null;
  /** the backend's region for weights the quant providers make (default null) */
  weightRegion?: WeightRegion | null;
  /** the matrices as a GGUF file stores them (default null) */
  file?: FileMatrices | null;
  /** the first matrix provider (default fp32Matrices; required when some matrix is kept packed) */
  matrices?: (host: MatrixHost) => MatrixProvider;
}

export function createTransformer(config: Config, weights: Weights, options: TransformerOptions = {}): Transformer {
  const {alloc = defaultAlloc, kernels = referenceKernels, quantKernels = null, weightRegion = null} = options;
  const model: Omit<Transformer, "matrices"> & {matrices?: MatrixProvider} = {
    config,
    weights,
    file: options.file ?? null,
    state: createRunState(config, alloc),
    rope:
      config.ropeTheta === undefined
        ? ropeTables(config.seqLen, config.headSize, alloc)
        : ggmlRopeTables(config.seqLen, config.headSize, config.ropeTheta, weights.ropeFreqs ?? null, alloc),
    norms: {att: perLayer(weights.rmsAtt, config.dim, config), ffn: perLayer(weights.rmsFfn, config.dim, config)},
    biases: weights.biases
      ? {
          q: perLayer(weights.biases.bq, config.dim, config),
          k: perLayer(weights.biases.bk, config.kvDim, config),
          v: perLayer(weights.biases.bv, config.kvDim, config)
        }
      : null,
    alloc,
    kernels,
    quantKernels,
    weightRegion,
    profiler: null,
    hooks: null,
    kv: "f32"
  };
  model.matrices = (options.matrices ?? fp32Matrices)(model);
  return model as Transformer;
}

/** Swaps the matrix provider; the next forward call uses it. Returns the previous one. */
export function setMatrices(model: Transformer, provider: MatrixProvider): MatrixProvider {
  const previous = model.matrices;
  provider.profiler = model.profiler;
  model.matrices = provider;
  return previous;
}

/** Turns profiling on (a fresh Profiler, or the one given) or off (null). Returns the active profiler. */
export function setProfiler(model: Transformer, profiler: Profiler | boolean | null): Profiler | null {
  model.profiler = profiler === true ? new Profiler(model.config.nLayers) : profiler || null;
  model.matrices.profiler = model.profiler;
  return model.profiler;
}

/** w (L, n) -> L views of n */
const perLayer = (w: Float32Array, n: number, c: Config) =>
  Array.from({length: c.nLayers}, (_, l) => w.subarray(l * n, (l + 1) * n));

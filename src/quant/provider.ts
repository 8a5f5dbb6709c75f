// Matrix providers for the get_w modes (see modes.ts): the forward pass asks for matvec / matmul / embed and this
// decides how the stored weights become numbers. Packed matrices are made once per (matrix, format) and reused across
// mode switches; `update()` swaps spec, mode or activation setting in place, effective on the next call.
// Accounting (counters): get_w time (only while a profiler is attached; reported to it), bytes dequantized, bytes of
// weights the kernels read (float32 matrices in fp32/dequant/cached, packed blocks in fused), tokens embedded.
// On a fast backend (host.quantKernels, host.weightRegion) fused mode runs the backend's kernels on copies of the
// blocks placed in its memory, and the cached / dequant floats live in its region so its fp32 kernels read them.
// A decode step in fp32, cached or fused mode allocates nothing (test/kernels/fast-model.test.ts counts).
import {layerViews, matrixShape, type MatrixHost, type MatrixProvider} from "../engine/matrices.ts";
import type {Profiler} from "../engine/profiler.ts";
import type {Transformer} from "../engine/transformer.ts";
import {setMatrices} from "../engine/transformer.ts";
import {createQ8Vector, quantizeQ8} from "../formats/act.ts";
import type {Q8Vector} from "../formats/codec.ts";
import {referenceQuantKernels} from "../formats/kernels.ts";
import {
  dequantizeMatrix,
  dequantizeRow,
  quantizeMatrix,
  quantizedBytes,
  tailNote,
  type QuantizedMatrix
} from "../formats/matrix.ts";
import {toQuantSettings, type QuantSettings, type QuantSettingsSpec} from "./modes.ts";
import {toFormat} from "../formats/schemes.ts";
import {MATRIX_NAMES, type LinearMatrix, type MatrixName} from "../model-files/matrix-names.ts";
import {concreteSpec} from "./presets/spec-plan.ts";
import {checkSpecLayers, formatFor, formatQuantSpec, FP32} from "./spec.ts";

/** One weight matrix under the current settings. */
interface Entry {
  name: MatrixName;
  layer: number;
  rows: number;
  cols: number;
  /** (rows, cols) the float32 original (a view of the model's weights) */
  fp32: Float32Array;
  /** "fp32" or a canonical format */
  format: string;
  /** the packed matrix, or null when this matrix runs in float32 */
  packed: QuantizedMatrix | null;
}

export interface QuantCounters {
  /** tokens embedded (forward steps × tokens per step) */
  tokens: number;
  /** matrix products served (a prefill counts one per matrix) */
  products: number;
  /** ms spent turning packed weights into floats (timed only while a profiler is attached) */
  getWMs: number;
  /** packed bytes turned into floats */
  bytesDequantized: number;
  /** bytes of weight storage the kernels read: float32 matrices, or packed blocks in fused mode */
  bytesRead: number;
}

export interface QuantResidency {
  /** packed matrices of the current spec (blocks, headers and float32 tails) */
  packedBytes: number;
  /** dequantized floats held by the cached mode */
  cachedFloatBytes: number;
  /** the model's float32 weight matrices (always resident: they are the source every spec is quantized from) */
  fp32Bytes: number;
  /** bits per weight over all matrices under the spec (float32 matrices count 32) */
  bpw: number;
}

export interface MatrixReport {
  name: MatrixName;
  layer: number;
  rows: number;
  cols: number;
  format: string;
  bytes: number;
  bpw: number;
  /** a sentence when the rows are not a multiple of the block size (the tail stays float32, or a K-quant is simulated) */
  tail: string | null;
}

export interface QuantMatrices extends MatrixProvider {
  readonly settings: QuantSettings;
  /** Changes spec, mode or activation setting; the next forward call uses them. Unchanged fields keep their values. */
  update(spec: QuantSettingsSpec): void;
  counters(): QuantCounters;
  resetCounters(): void;
  residency(): QuantResidency;
  report(): MatrixReport[];
  /** (rows, cols) what the model computes with for one matrix: its dequantized floats, or the fp32 original */
  effective(name: MatrixName, layer: number): Float32Array;
}

/** The counters in one Float64Array (slots below): a number field of a plain object may box every store of a float. */
const COUNTER = {tokens: 0, products: 1, getWMs: 2, bytesDequantized: 3, bytesRead: 4} as const;

export function quantMatrices(host: MatrixHost, spec: QuantSettingsSpec = {}): QuantMatrices {
  const {config} = host;
  const kernels = host.quantKernels ?? referenceQuantKernels();
  const region = host.weightRegion ?? null;
  const packedStore = new Map<string, QuantizedMatrix>();
  /** (rows, cols) dequantized floats per packed matrix, kept by the cached mode for one spec and one mode */
  const cache = new Map<QuantizedMatrix, Float32Array>();
  /** packed matrix -> the copy the fast kernels read (fused mode on a fast backend) */
  const placed = new Map<QuantizedMatrix, QuantizedMatrix>();
  const actVectors = new Map<number, Q8Vector>();
  const actRows = new Map<number, Float32Array>();
  let settings = toQuantSettings(spec);
  /** entries by matrix name, then layer (token_embd and output have layer 0 only) */
  let entries = {} as Record<MatrixName, Entry[]>;
  const counts = new Float64Array(5);
  /** the region's epoch when this provider last emptied it; -1: not ours (yet, or again after a build) */
  let regionEpoch = -1;
  /** dequant mode on a fast backend: one matrix of floats in the region, rewritten by every call */
  let scratch: Float32Array | null = null;
  const maxMatrixFloats = Math.max(
    ...MATRIX_NAMES.map((name) => {
      const [d, n] = matrixShape(config, name);
      return d * n;
    })
  );

  function packed(name: MatrixName, layer: number, format: string, w: Float32Array, rows: number, cols: number) {
    // a shared classifier is the embedding table: one packed copy serves both when their formats agree
    const source = name === "output" && config.sharedClassifier ? "token_embd" : name;
    const id = `${source}.${layer}|${format}`;
    let q = packedStore.get(id);
    if (!q) packedStore.set(id, (q = quantizeMatrix(toFormat(format).codec(rows, cols), w, rows, cols)));
    return {id, q};
  }

  function build(): void {
    checkSpecLayers(settings.quant, config.nLayers);
    // a preset's types depend on the shapes: resolved once per build into one format per matrix
    const spec = concreteSpec(settings.quant, config);
    const next = {} as Record<MatrixName, Entry[]>;
    const used = new Set<string>();
    const add = (name: MatrixName, layer: number, w: Float32Array) => {
      const [rows, cols] = matrixShape(config, name);
      const format = settings.weights === "fp32" ? FP32 : formatFor(spec, name, layer);
      let q: QuantizedMatrix | null = null;
      if (format !== FP32) {
        const p = packed(name, layer, format, w, rows, cols);
        used.add(p.id);
        q = p.q;
      }
      (next[name] ??= [])[layer] = {name, layer, rows, cols, fp32: w, format, packed: q};
    };
    for (const name of MATRIX_NAMES) layerViews(host, name).forEach((w, l) => add(name, l, w));
    for (const id of packedStore.keys()) if (!used.has(id)) packedStore.delete(id);
    dropCopies();
    regionEpoch = -1;
    entries = next;
  }

  /** Forgets every float and placed copy made for the previous settings or region epoch. */
  function dropCopies(): void {
    cache.clear();
    placed.clear();
    actVectors.clear();
    scratch = null;
  }

  /** Empties the region for this provider's copies unless it still holds them (another provider may have used it). */
  function claimRegion(): void {
    if (!region || region.epoch === regionEpoch) return;
    region.clear();
    regionEpoch = region.epoch;
    dropCopies();
  }
  build();

  function timed<T>(profiler: Profiler | null, layer: number, work: () => T): T {
    if (!profiler) return work();
    const t0 = performance.now();
    const result = work();
    const ms = performance.now() - t0;
    counts[COUNTER.getWMs] += ms;
    profiler.add("get_w", layer, ms);
    return result;
  }

  /** (n) floats where the backend's kernels read them: the region when it has room, else a fresh array. */
  function regionFloats(n: number): Float32Array {
    return region?.floats(n) ?? new Float32Array(n);
  }

  /** The float32 matrix the non-fused modes multiply with, dequantizing as the mode says. */
  function floats(e: Entry, profiler: Profiler | null): Float32Array {
    const q = e.packed;
    if (!q) return e.fp32;
    // the miss path is its own function: its closure would make every call here allocate a context
    return cache.get(q) ?? dequantized(e, q, profiler);
  }

  function dequantized(e: Entry, q: QuantizedMatrix, profiler: Profiler | null): Float32Array {
    const cached = settings.weights === "cached";
    const n = e.rows * e.cols;
    const layer = e.name === "output" ? -1 : e.layer;
    const w = timed(profiler, layer, () => {
      // dequant: a fresh array every call, as the simulated-quantization trap does; on a fast backend one scratch
      // matrix in its memory instead, so its fp32 kernels (not the TS fallback) multiply with the result
      let out: Float32Array;
      if (cached) out = regionFloats(n);
      else if (region) out = (scratch ??= regionFloats(maxMatrixFloats)).subarray(0, n);
      else out = new Float32Array(n);
      dequantizeMatrix(out, q);
      return out;
    });
    counts[COUNTER.bytesDequantized] += quantizedBytes(q);
    profiler?.addBytes("get_w", layer, quantizedBytes(q));
    if (cached) cache.set(q, w);
    return w;
  }

  /** The copy of a packed matrix the fused kernels run fastest (placed on first use). */
  function fusedMatrix(q: QuantizedMatrix): QuantizedMatrix {
    let p = placed.get(q);
    if (!p) placed.set(q, (p = kernels.place && region ? kernels.place(q, (n) => region.bytes(n)) : q));
    return p;
  }

  /** x (n,) quantized to Q8_0 once; its dequantized values are what the fp32 kernels multiply with. */
  function actVector(n: number): Q8Vector {
    let v = actVectors.get(n);
    if (!v) actVectors.set(n, (v = createQ8Vector(n, regionFloats)));
    return v;
  }

  /** X (T, n) as the non-fused kernels see it: quantized to Q8_0 per row when act = q8_0 and the matrix is quantized. */
  function activations(e: Entry, x: Float32Array, T: number): Float32Array {
    if (settings.act === "fp32" || !e.packed) return x;
    const n = e.cols;
    const v = actVector(n);
    if (T === 1) return quantizeQ8(v, x).xq;
    let rows = actRows.get(n);
    if (!rows || rows.length < T * n) actRows.set(n, (rows = regionFloats(T * n)));
    for (let t = 0; t < T; t++) rows.set(quantizeQ8(v, x.subarray(t * n, (t + 1) * n)).xq, t * n);
    return rows.subarray(0, T * n);
  }

  function product(
    this: MatrixProvider,
    out: Float32Array,
    x: Float32Array,
    T: number,
    name: LinearMatrix,
    layer: number
  ) {
    claimRegion();
    const e = entries[name][layer]!;
    const d = e.rows;
    const n = e.cols;
    const bookLayer = name === "output" ? -1 : layer;
    counts[COUNTER.products]++;
    // get_w bytes are reported on every call (0 when fused or cached) so a profile never leaves them unknown
    this.profiler?.addBytes("get_w", bookLayer, 0);
    if (settings.weights === "fused" && e.packed) {
      const q = fusedMatrix(e.packed);
      const bytes = quantizedBytes(q) * T;
      counts[COUNTER.bytesRead] += bytes;
      this.profiler?.addBytes("matmul", bookLayer, bytes);
      const q8 = settings.act === "q8_0";
      if (T === 1) {
        if (q8) kernels.matvecQuantQ8(out, x, q);
        else kernels.matvecQuant(out, x, q);
        return;
      }
      for (let t = 0; t < T; t++) {
        const xt = x.subarray(t * n, (t + 1) * n);
        const ot = out.subarray(t * d, (t + 1) * d);
        if (q8) kernels.matvecQuantQ8(ot, xt, q);
        else kernels.matvecQuant(ot, xt, q);
      }
      return;
    }
    const w = floats(e, this.profiler);
    counts[COUNTER.bytesRead] += 4 * d * n * T;
    this.profiler?.addBytes("matmul", bookLayer, 4 * d * n * T);
    const xs = activations(e, x, T);
    if (T === 1) host.kernels.matvec(out, xs, w, n, d);
    else host.kernels.matmul(out, xs, w, T, n, d);
  }

  /** Every entry in MATRIX_NAMES order (the embedding table first), by layer. */
  const allEntries = (): Entry[] => MATRIX_NAMES.flatMap((name) => entries[name]);

  const provider: QuantMatrices = {
    get kind() {
      const act = settings.act === "fp32" ? "" : ` act ${settings.act}`;
      return settings.weights === "fp32" ? "fp32" : `${formatQuantSpec(settings.quant)} ${settings.weights}${act}`;
    },
    get settings() {
      return settings;
    },
    profiler: null,
    matvec(out, x, name, layer) {
      product.call(this, out, x, 1, name, layer);
    },
    matmul(out, x, T, name, layer) {
      product.call(this, out, x, T, name, layer);
    },
    embed(out, token) {
      claimRegion();
      const e = entries.token_embd[0]!;
      const D = e.cols;
      counts[COUNTER.tokens]++;
      if (!e.packed || settings.weights === "cached") {
        // cached: the whole table is dequantized once, then rows are copied
        const w = floats(e, null);
        for (let j = 0, o = token * D; j < D; j++) out[j] = w[o + j]!;
        counts[COUNTER.bytesRead] += 4 * D;
        this.profiler?.addBytes("other", -1, 4 * D);
        return;
      }
      // dequant and fused: only the token's row is dequantized, as ggml's get_rows does
      dequantizeRow(out, e.packed, token);
      const rowBytes = e.packed.rowBytes + 4 * e.packed.tailLen;
      counts[COUNTER.bytesDequantized] += rowBytes;
      counts[COUNTER.bytesRead] += rowBytes;
      this.profiler?.addBytes("other", -1, rowBytes);
    },
    update(next) {
      const merged = toQuantSettings({
        quant: next.quant ?? settings.quant,
        weights: next.weights ?? settings.weights,
        act: next.act ?? settings.act
      });
      const specChanged = formatQuantSpec(merged.quant) !== formatQuantSpec(settings.quant);
      const modeChanged = merged.weights !== settings.weights;
      settings = merged;
      if (specChanged || modeChanged) build(); // drops every cached float
    },
    counters: () => {
      const c = {} as QuantCounters;
      for (const [name, slot] of Object.entries(COUNTER)) c[name as keyof QuantCounters] = counts[slot]!;
      return c;
    },
    resetCounters() {
      counts.fill(0);
    },
    residency() {
      let packedBytes = 0;
      let cachedFloatBytes = 0;
      for (const w of cache.values()) cachedFloatBytes += w.byteLength;
      let fp32Bytes = 0;
      let bits = 0;
      let weights = 0;
      const seen = new Set<QuantizedMatrix>();
      for (const e of allEntries()) {
        const shared = e.name === "output" && config.sharedClassifier;
        if (!shared) fp32Bytes += 4 * e.rows * e.cols;
        if (e.packed && !seen.has(e.packed)) {
          seen.add(e.packed);
          packedBytes += quantizedBytes(e.packed);
        }
        if (!shared) {
          bits += e.packed ? quantizedBytes(e.packed) * 8 : 32 * e.rows * e.cols;
          weights += e.rows * e.cols;
        }
      }
      return {packedBytes, cachedFloatBytes, fp32Bytes, bpw: bits / weights};
    },
    report() {
      return allEntries().map((e) => ({
        name: e.name,
        layer: e.layer,
        rows: e.rows,
        cols: e.cols,
        format: e.format,
        bytes: e.packed ? quantizedBytes(e.packed) : 4 * e.rows * e.cols,
        bpw: e.packed ? (quantizedBytes(e.packed) * 8) / (e.rows * e.cols) : 32,
        tail: e.packed ? tailNote(e.packed) : null
      }));
    },
    effective(name, layer) {
      const e = entries[name][layer]!;
      if (!e.packed) return e.fp32;
      const out = new Float32Array(e.rows * e.cols);
      dequantizeMatrix(out, e.packed);
      return out;
    }
  };
  return provider;
}

/**
 * Runs a loaded model with quantization settings: installs a quant provider, or updates the one installed. Takes
 * effect on the next token; nothing is reloaded.
 */
export function setQuant(model: Transformer, spec: QuantSettingsSpec): QuantMatrices {
  const current = model.matrices as Partial<QuantMatrices>;
  if (typeof current.update === "function" && typeof current.residency === "function") {
    current.update(spec);
    return current as QuantMatrices;
  }
  const provider = quantMatrices(model, spec);
  setMatrices(model, provider);
  return provider;
}

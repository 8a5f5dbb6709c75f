// Matrix providers for the get_w modes (see modes.ts): the forward pass asks for matvec / matmul / embed and this
// decides how the stored weights become numbers. Packed matrices are made once per (matrix, format) and reused across
// mode switches; `update()` swaps spec, mode or activation setting in place, effective on the next call.
// Accounting (counters): get_w time (only while a profiler is attached; reported to it), bytes dequantized, bytes of
// weights the kernels read (float32 matrices in fp32/dequant/cached, packed blocks in fused), tokens embedded.
// On a fast backend (host.quantKernels, host.weightRegion) fused mode runs the backend's kernels on copies of the
// blocks placed in its memory, and the cached / dequant floats live in its region so its fp32 kernels read them.
// A decode step in fp32, cached or fused mode allocates nothing (test/kernels/fast-model.test.ts counts).
// A GGUF model (host.file) starts "as in the file": each matrix in its stored type, run on the file's own blocks (no
// copy; a model loaded packed has no float32 matrices at all). A matrix asked for in another type is quantized from the
// dequantized file (re-quantizing: its reference is the dequantized file, not the original floats); one asked for in
// its stored type keeps the file's blocks, as llama-quantize does. fp32 mode on a packed matrix runs the dequantized
// file, made once. act "ggml" converts each product's input as llama.cpp does for the type the matrix runs in.
import {
  filePacked,
  hasFloats,
  layerViews,
  matrixShape,
  type MatrixHost,
  type MatrixProvider
} from "../engine/matrices.ts";
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
import {ggmlTypeOf} from "../formats/ggml-codecs.ts";
import {toFormat} from "../formats/schemes.ts";
import {isLayerMatrix, MATRIX_NAMES, type LinearMatrix, type MatrixName} from "../model-files/matrix-names.ts";
import {fileSpec} from "./file-spec.ts";
import {ggmlConverter, ggmlInput, type GgmlConverter, type GgmlInput} from "./ggml-numerics.ts";
import {concreteSpec} from "./presets/spec-plan.ts";
import {checkSpecLayers, formatFor, formatOfGgmlType, formatQuantSpec, FP32, type QuantSpec} from "./spec.ts";

/** One weight matrix under the current settings. */
interface Entry {
  name: MatrixName;
  layer: number;
  rows: number;
  cols: number;
  /** (rows, cols) the float32 original (a view of the model's weights), or null when the model keeps it packed */
  fp32: Float32Array | null;
  /** the file's blocks (a GGUF stored in a block type), or null */
  stored: QuantizedMatrix | null;
  /** "fp32" or a canonical format */
  format: string;
  /** the packed matrix, or null when this matrix runs in float32 */
  packed: QuantizedMatrix | null;
  /** act ggml: how its input is converted (null: float32), made on first use */
  ggml?: GgmlInput | null;
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
  /**
   * the model's float32 weight matrices (resident: the source every spec is quantized from); a GGUF model loaded
   * packed has none for the matrices its file stores in a block type
   */
  fp32Bytes: number;
  /** the file's packed matrices the model holds (a GGUF model; shared with packedBytes where the spec runs them) */
  fileBytes: number;
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
  /** the spec as reports show it: on a GGUF "as in the file: 13 × Q4_K, …", or what a spec re-quantizes from */
  readonly specText: string;
  /** Changes spec, mode or activation setting; the next forward call uses them. Unchanged fields keep their values. */
  update(spec: QuantSettingsSpec): void;
  counters(): QuantCounters;
  resetCounters(): void;
  residency(): QuantResidency;
  report(): MatrixReport[];
  /** (rows, cols) what the model computes with for one matrix: its dequantized floats, or the fp32 original */
  effective(name: MatrixName, layer: number): Float32Array;
}

/** The spec format of a file's packed matrix (its codec is one of GGML_CODECS). */
const storedFormat = (q: QuantizedMatrix) => formatOfGgmlType(ggmlTypeOf(q.codec)!);

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
  /** the spec a GGUF model starts from: every matrix as stored (null: not a GGUF model) */
  const asStored: QuantSpec | null = host.file ? fileSpec(host) : null;
  const asStoredText = asStored && formatQuantSpec(asStored);
  const withDefault = (s: QuantSettingsSpec): QuantSettingsSpec =>
    s.quant === undefined && asStored ? {...s, quant: asStored} : s;
  let settings = toQuantSettings(withDefault(spec));
  /** whether a weight mode was ever asked for: until then it follows the spec's default (cached, or fp32 for none) */
  let weightsChosen = spec.weights !== undefined;
  /** act ggml: the input converter (made on first use, in the region) */
  let converter: GgmlConverter | null = null;
  /** entries by matrix name, then layer (token_embd and output have layer 0 only) */
  let entries = {} as Record<MatrixName, Entry[]>;
  const counts = new Float64Array(5);
  /** the region's epoch when this provider last emptied it; -1: not ours (yet, or again after a build) */
  let regionEpoch = -1;
  /** dequant mode on a fast backend: one matrix of floats in the region, rewritten by every call */
  let scratch: Float32Array | null = null;
  const maxRowFloats = Math.max(config.dim, config.hiddenDim);
  const maxMatrixFloats = Math.max(
    ...MATRIX_NAMES.map((name) => {
      const [d, n] = matrixShape(config, name);
      return d * n;
    })
  );

  /** The file's matrix dequantized: the float32 a packed GGUF matrix is re-quantized from (the model keeps none). */
  function dequantizedFile(q: QuantizedMatrix): Float32Array {
    const w = new Float32Array(q.rows * q.cols);
    dequantizeMatrix(w, q);
    return w;
  }

  function packed(name: MatrixName, layer: number, format: string, e: Entry) {
    // a shared classifier is the embedding table: one packed copy serves both when their formats agree
    const source = name === "output" && config.sharedClassifier ? "token_embd" : name;
    const id = `${source}.${layer}|${format}`;
    let q = packedStore.get(id);
    if (!q) {
      const w = e.fp32 ?? dequantizedFile(e.stored!);
      packedStore.set(id, (q = quantizeMatrix(toFormat(format).codec(e.rows, e.cols), w, e.rows, e.cols)));
    }
    return {id, q};
  }

  function build(): void {
    checkSpecLayers(settings.quant, config.nLayers);
    // a preset's types depend on the shapes: resolved once per build into one format per matrix
    const spec = concreteSpec(settings.quant, config);
    const next = {} as Record<MatrixName, Entry[]>;
    const used = new Set<string>();
    const add = (name: MatrixName, layer: number, w: Float32Array | null) => {
      const [rows, cols] = matrixShape(config, name);
      const format = settings.weights === "fp32" ? FP32 : formatFor(spec, name, layer);
      // a tied output is the embedding table: the same blocks, one object
      const tied = name === "output" && config.sharedClassifier;
      const stored = tied ? next.token_embd![0]!.stored : filePacked(host, name, layer);
      const e: Entry = {name, layer, rows, cols, fp32: w, stored, format, packed: null};
      if (format !== FP32 && stored && format === storedFormat(stored)) e.packed = stored;
      else if (format !== FP32) {
        const p = packed(name, layer, format, e);
        used.add(p.id);
        e.packed = p.q;
      }
      (next[name] ??= [])[layer] = e;
    };
    for (const name of MATRIX_NAMES) {
      if (hasFloats(host, name)) layerViews(host, name).forEach((w, l) => add(name, l, w));
      else for (let l = 0; l < (isLayerMatrix(name) ? config.nLayers : 1); l++) add(name, l, null);
    }
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
    actRows.clear();
    scratch = null;
    converter = null;
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
    if (!q) return e.fp32 ?? cache.get(e.stored!) ?? dequantized(e, e.stored!, profiler);
    // the miss path is its own function: its closure would make every call here allocate a context
    return cache.get(q) ?? dequantized(e, q, profiler);
  }

  function dequantized(e: Entry, q: QuantizedMatrix, profiler: Profiler | null): Float32Array {
    // a float32 matrix of a packed model is the dequantized file, made once like the cached mode's floats
    const cached = settings.weights === "cached" || !e.packed;
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

  /**
   * act ggml: how llama.cpp converts this matrix's input, for the type it runs in: its packed format, else the file's
   * stored type (a float32 matrix of a GGUF runs the dequantized file), else none.
   */
  function ggmlOf(e: Entry): GgmlInput | null {
    if (e.ggml !== undefined) return e.ggml;
    const q = e.packed ?? e.stored;
    const label = `${e.name} of layer ${e.layer}`;
    if (!q) return (e.ggml = null);
    const type = ggmlTypeOf(q.codec);
    if (!type || q.flat)
      throw new Error(
        `invalid act: ggml needs ggml block types (llama.cpp's numerics are defined per GGUF type); ${label} is ${e.format}${q.flat ? ", a simulated K-quant" : ""}`
      );
    return (e.ggml = ggmlInput(type, q.data, e.rows, e.cols, label));
  }

  /** act ggml: X (T, n) @ W -> out (T, d), one row at a time, each input converted as llama.cpp converts it. */
  function ggmlProduct(
    e: Entry,
    out: Float32Array,
    x: Float32Array,
    T: number,
    fused: QuantizedMatrix | null,
    profiler: Profiler | null
  ) {
    const d = e.rows;
    const n = e.cols;
    const input = ggmlOf(e);
    // fused on a ggml type: llama.cpp's own integer path (the input converted, ggml's block dots) in one kernel
    if (fused && input && !fused.flat && fused.tailLen === 0) {
      for (let t = 0; t < T; t++)
        kernels.matvecVecDot(T === 1 ? out : out.subarray(t * d, (t + 1) * d), x.subarray(t * n, (t + 1) * n), fused);
      return;
    }
    const w = fused ? null : floats(e, profiler);
    converter ??= ggmlConverter(maxRowFloats, regionFloats);
    for (let t = 0; t < T; t++) {
      const xt = input ? converter.convert(input, x, t * n, n) : x.subarray(t * n, (t + 1) * n);
      const ot = T === 1 ? out : out.subarray(t * d, (t + 1) * d);
      if (fused) kernels.matvecQuant(ot, xt, fused);
      else host.kernels.matvec(ot, xt, w!, n, d);
      if (input) converter.addMins(input, ot, 0, d, n);
    }
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
      if (settings.act === "ggml") return ggmlProduct(e, out, x, T, q, this.profiler);
      const q8 = settings.act === "q8_0";
      if (T === 1) {
        if (q8) kernels.matvecQuantQ8(out, x, q);
        else kernels.matvecQuant(out, x, q);
        return;
      }
      if (!q8) return kernels.matmulQuant(out, x, T, q); // per token bit-equal to matvecQuant
      for (let t = 0; t < T; t++) {
        const xt = x.subarray(t * n, (t + 1) * n);
        const ot = out.subarray(t * d, (t + 1) * d);
        if (q8) kernels.matvecQuantQ8(ot, xt, q);
        else kernels.matvecQuant(ot, xt, q);
      }
      return;
    }
    counts[COUNTER.bytesRead] += 4 * d * n * T;
    this.profiler?.addBytes("matmul", bookLayer, 4 * d * n * T);
    if (settings.act === "ggml") return ggmlProduct(e, out, x, T, null, this.profiler);
    const w = floats(e, this.profiler);
    const xs = activations(e, x, T);
    if (T === 1) host.kernels.matvec(out, xs, w, n, d);
    else host.kernels.matmul(out, xs, w, T, n, d);
  }

  /** The spec for reports: a GGUF's own types "as in the file: …"; another spec on a GGUF says what it re-quantizes. */
  function describeSpec(spec: QuantSpec): string {
    const text = formatQuantSpec(spec);
    if (!host.file) return text;
    if (text === asStoredText) return asInFileText(host.file.summary);
    if (!fileHasBlocks()) return text; // an F32 file: quantized from its own floats
    return `${text} (re-quantized from the dequantized file: ${host.file.summary})`;
  }

  /** Whether the file stores some matrix in a block type (F16, Q4_K, …), so a spec on it re-quantizes. */
  const fileHasBlocks = () => allEntries().some((e) => e.stored);

  /** Every entry in MATRIX_NAMES order (the embedding table first), by layer. */
  const allEntries = (): Entry[] => MATRIX_NAMES.flatMap((name) => entries[name]);

  const provider: QuantMatrices = {
    get kind() {
      const act = settings.act === "fp32" ? "" : ` act ${settings.act}`;
      if (settings.weights === "fp32") {
        if (!host.file) return "fp32";
        return `fp32 (${fileHasBlocks() ? "the dequantized file" : "as in the file"}: ${host.file.summary})${act}`;
      }
      return `${describeSpec(settings.quant)} ${settings.weights}${act}`;
    },
    get settings() {
      return settings;
    },
    get specText() {
      return describeSpec(settings.quant);
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
      weightsChosen ||= next.weights !== undefined;
      const merged = toQuantSettings({
        quant: next.quant ?? settings.quant,
        weights: next.weights ?? (weightsChosen ? settings.weights : undefined),
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
      let fileBytes = 0;
      let bits = 0;
      let weights = 0;
      const seen = new Set<QuantizedMatrix>();
      for (const e of allEntries()) {
        const shared = e.name === "output" && config.sharedClassifier;
        if (!shared && e.fp32) fp32Bytes += 4 * e.rows * e.cols;
        if (!shared && e.stored && !e.fp32) fileBytes += quantizedBytes(e.stored);
        if (e.packed && !seen.has(e.packed)) {
          seen.add(e.packed);
          packedBytes += quantizedBytes(e.packed);
        }
        if (!shared) {
          bits += e.packed ? quantizedBytes(e.packed) * 8 : 32 * e.rows * e.cols;
          weights += e.rows * e.cols;
        }
      }
      return {packedBytes, cachedFloatBytes, fp32Bytes, fileBytes, bpw: bits / weights};
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
      if (!e.packed) return e.fp32 ?? dequantizedFile(e.stored!);
      return dequantizedFile(e.packed);
    }
  };
  return provider;
}

/** How a GGUF model's own spec is reported: "as in the file: 13 × Q4_K, 3 × Q6_K, 5 × F32". */
export function asInFileText(summary: string): string {
  return `as in the file: ${summary}`;
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

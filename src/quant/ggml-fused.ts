// llama.cpp's numerics (--act ggml) in fused mode: the file's packed blocks stay as stored (copied once into the
// backend's weight region, where its kernels read them) and every product is quantKernels.matvecVecDot: the input
// converted to the weight type's vec_dot_type, then ggml's integer block dots (wasm: src/kernels/wasm/vec-dot.as;
// F16 / BF16 and any kernel-less case: the reference in src/formats/vec-dot.ts). F32 matrices stay float32, as
// llama.cpp multiplies them. The embedding lookup reads the float32 rows like ggmlMatrices (ggml's get_rows).
import {GGML_CODECS} from "../formats/ggml-codecs.ts";
import {referenceQuantKernels} from "../formats/kernels.ts";
import type {QuantizedMatrix} from "../formats/matrix.ts";
import {vecDotOf} from "../formats/vec-dot.ts";
import {layerViews, matrixShape, type MatrixHost, type MatrixProvider} from "../engine/matrices.ts";
import {LINEAR_MATRICES, type LinearMatrix} from "../model-files/matrix-names.ts";
import type {FileMatrix} from "./ggml-numerics.ts";

/** A stored ggml tensor of `rows` rows of `cols` values as a QuantizedMatrix over its bytes (whole blocks per row). */
export function fileMatrix(stored: FileMatrix, rows: number, cols: number): QuantizedMatrix | null {
  const codec = GGML_CODECS.get(stored.type);
  if (!codec) return null;
  const blocksPerRow = cols / codec.blockSize;
  const rowBytes = blocksPerRow * codec.blockBytes;
  if (!Number.isInteger(blocksPerRow) || stored.bytes.byteLength !== rows * rowBytes)
    throw new Error(
      `invalid ${stored.type} tensor: ${stored.bytes.byteLength} bytes for ${rows} rows of ${cols} values ` +
        `(${codec.blockSize}-value blocks of ${codec.blockBytes} bytes)`
    );
  const q: QuantizedMatrix = {
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
  vecDotOf(q); // refuses a type llama.cpp's integer path has no input conversion for
  return q;
}

interface Entry {
  /** the stored blocks (null: F32, `w` is the matrix) */
  file: QuantizedMatrix | null;
  /** the blocks where the kernels read them (file until placed) */
  q: QuantizedMatrix | null;
  w: Float32Array;
  d: number;
  n: number;
}

/** The provider: `file(name, layer)` gives each matrix as stored (output: layer 0). */
export function ggmlFusedMatrices(
  host: MatrixHost,
  file: (name: LinearMatrix, layer: number) => FileMatrix
): MatrixProvider {
  const entries = new Map<string, Entry>();
  for (const name of LINEAR_MATRICES) {
    const [d, n] = matrixShape(host.config, name);
    layerViews(host, name).forEach((w, layer) => {
      const q = fileMatrix(file(name, layer), d, n);
      entries.set(`${name}:${layer}`, {file: q, q, w, d, n});
    });
  }
  // blocks copied into the weight region; again when another provider has cleared it since (its epoch moved)
  let epoch = -1;
  const place = () => {
    const region = host.weightRegion;
    const qk = host.quantKernels;
    if (!region || !qk?.place || region.epoch === epoch) return;
    region.clear();
    for (const e of entries.values()) e.q = e.file && qk.place(e.file, (k) => region.bytes(k));
    epoch = region.epoch;
  };
  const reference = referenceQuantKernels();
  const {dim} = host.config;
  const emb = host.weights.tokEmbeddings;
  const provider: MatrixProvider = {
    kind: "llama.cpp numerics, fused (ggml vec_dot_type inputs, integer block dots)",
    profiler: null,
    matvec(out, x, name, layer) {
      place();
      const e = entries.get(`${name}:${layer}`)!;
      if (e.q) (host.quantKernels ?? reference).matvecVecDot(out, x, e.q);
      else host.kernels.matvec(out, x, e.w, e.n, e.d);
      this.profiler?.addBytes("matmul", name === "output" ? -1 : layer, e.q ? e.q.data.byteLength : 4 * e.w.length);
    },
    matmul(out, x, T, name, layer) {
      const [d, n] = matrixShape(host.config, name);
      for (let t = 0; t < T; t++)
        provider.matvec(out.subarray(t * d, (t + 1) * d), x.subarray(t * n, (t + 1) * n), name, layer);
    },
    embed(out, token) {
      for (let j = 0; j < dim; j++) out[j] = emb[token * dim + j]!;
    }
  };
  return provider;
}

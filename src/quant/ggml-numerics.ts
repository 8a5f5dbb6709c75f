// llama.cpp's numerics for a GGUF model (--act ggml): every matrix product first converts its float32 input to the
// weight type's vec_dot_type (src/formats/vec-dot.ts: fp16, bf16, Q8_0 as the x86 kernels round it, Q8_1, Q8_K), then
// multiplies by the file's weights (dequantized exactly once at load). The sums are float32 in another order than
// ggml's, which changes nothing beyond float32 noise; the one term the dequantized product does not have is Q4_1 /
// Q5_1's m_w·s_x, where s_x = fp16(d·Σq) is a rounded block sum: it is added as m_w·(s_x − d_x·Σq_x) per block.
// The embedding lookup and attention read float32 as llama.cpp's get_rows and F32 KV cache do.
import {f16Table} from "../formats/fp16.ts";
import {MIN_TIMES_SUM_TYPES, VEC_DOT_CODECS, vecDotInput} from "../formats/vec-dot.ts";
import {layerViews, matrixShape, type MatrixHost, type MatrixProvider} from "../engine/matrices.ts";
import type {LlamaTensorBytes} from "../model-files/gguf/index.ts";
import {ggufTensorName, LINEAR_MATRICES, type LinearMatrix} from "../model-files/matrix-names.ts";
import type {Codec} from "../formats/codec.ts";

/** A weight matrix as the file stores it: its ggml type name and bytes (rows of blocks, row-major). */
export interface FileMatrix {
  type: string;
  bytes: Uint8Array;
}

interface Entry {
  w: Float32Array; // (d, n) the dequantized weights
  d: number;
  n: number;
  act: Codec | null; // vec_dot_type codec, null for F32
  mins: Float32Array | null; // (d, n/32) Q4_1/Q5_1 block minimums m_w
}

const QK = 32;

/** The fp16 m of every 32-value block (at byte 2 of block_q4_1 and block_q5_1), (rows, cols/32). */
function blockMins(bytes: Uint8Array, rows: number, cols: number): Float32Array {
  const f16 = f16Table();
  const nb = cols / QK;
  const blockBytes = bytes.byteLength / (rows * nb);
  const mins = new Float32Array(rows * nb);
  for (let i = 0; i < rows * nb; i++) {
    const o = i * blockBytes + 2;
    mins[i] = f16[bytes[o]! | (bytes[o + 1]! << 8)]!;
  }
  return mins;
}

/** Each matrix of a loaded GGUF as stored (a tied file's output is its token_embd). */
export function ggufFileMatrices(file: LlamaTensorBytes): (name: LinearMatrix, layer: number) => FileMatrix {
  return (name, layer) => {
    const t = file.stored.get(name === "output" ? file.tensors.output.name : ggufTensorName(name, layer))!;
    return {type: t.info.type.name, bytes: t.bytes};
  };
}

/** The provider: `file(name, layer)` gives each matrix as stored (output: layer 0). */
export function ggmlMatrices(
  host: MatrixHost,
  file: (name: LinearMatrix, layer: number) => FileMatrix
): MatrixProvider {
  const entries = new Map<string, Entry>();
  let maxN = 0;
  for (const name of LINEAR_MATRICES) {
    const [d, n] = matrixShape(host.config, name);
    maxN = Math.max(maxN, n);
    layerViews(host, name).forEach((w, layer) => {
      const stored = file(name, layer);
      const act = VEC_DOT_CODECS.get(stored.type) ?? null;
      if (act && n % act.blockSize !== 0)
        throw new Error(`${name} of layer ${layer}: rows of ${n} are not whole ${act.name} blocks of ${act.blockSize}`);
      const mins = MIN_TIMES_SUM_TYPES.has(stored.type) ? blockMins(stored.bytes, d, n) : null;
      entries.set(`${name}:${layer}`, {w, d, n, act, mins});
    });
  }
  const blocks = new Uint8Array(Math.ceil(maxN / QK) * 292); // the largest activation block per 32 values (Q8_K: 292 per 256)
  const xr = new Float32Array(maxN); // (n,) one input row as the kernel reads it
  const corr = new Float32Array(Math.ceil(maxN / QK)); // (n/32,) s_x − d_x·Σq_x per Q8_1 block

  /** x (n,) -> xr: the input row through the vec_dot_type; the Q8_1 sum corrections into corr */
  const convert = (e: Entry, x: Float32Array, xo: number): Float32Array =>
    vecDotInput(e.act!, x, xo, e.n, blocks, xr, e.mins ? corr : null);
  const addMinTerms = (e: Entry, out: Float32Array, oo: number) => {
    const nb = e.n / QK;
    for (let r = 0; r < e.d; r++) {
      let s = 0;
      for (let b = 0; b < nb; b++) s += e.mins![r * nb + b]! * corr[b]!;
      out[oo + r] = out[oo + r]! + s;
    }
  };
  const row = (name: LinearMatrix, layer: number, out: Float32Array, oo: number, x: Float32Array, xo: number) => {
    const e = entries.get(`${name}:${layer}`)!;
    const input = e.act ? convert(e, x, xo) : x.subarray(xo, xo + e.n);
    host.kernels.matvec(oo === 0 && out.length === e.d ? out : out.subarray(oo, oo + e.d), input, e.w, e.n, e.d);
    if (e.mins) addMinTerms(e, out, oo);
  };
  const {dim} = host.config;
  const emb = host.weights.tokEmbeddings;
  return {
    kind: "llama.cpp numerics (ggml vec_dot_type inputs)",
    profiler: null,
    matvec(out, x, name, layer) {
      row(name, layer, out, 0, x, 0);
    },
    matmul(out, x, T, name, layer) {
      const [d, n] = matrixShape(host.config, name);
      for (let t = 0; t < T; t++) row(name, layer, out, t * d, x, t * n);
    },
    embed(out, token) {
      for (let j = 0; j < dim; j++) out[j] = emb[token * dim + j]!;
    }
  };
}

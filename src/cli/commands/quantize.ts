// glassbox quantize --format SPEC --in x.f32 [--row N] --out blocks.bin [--dequant y.f32] [--json]
// (glassbox quantize --model in.gguf --preset P … quantizes a model as llama-quantize does: ./quantize-model.ts)
// Quantizes little-endian float32 values laid out as rows of N (default: the whole input as one row) and writes the
// packed bytes exactly as the format lays them out (the format's header, then each row's blocks), followed by the
// float32 values of each row that no whole block covers (rows × (N mod block size), row-major; none when the block
// size divides N). A K-quant (q2_k … q6_k) on rows its super-block of 256 does not divide is simulated instead: all
// values as one run of super-blocks, the last zero-padded, no tail; the note names the type llama.cpp would store.
// --dequant writes the reconstruction as float32; the summary gives bytes, bits per weight, SQNR.
// --imatrix: a little-endian float32 importance per column (llama-imatrix's values for this matrix), quantized as
// ggml's quantize_<type> does when given them.
// Values a format cannot store (a block whose fp16 scale would pass 65504: ggml writes it as Inf and reads back
// Inf/NaN) are refused, naming the first one, and nothing is written: no clamping, so the bytes stay ggml's.
import {readFile, writeFile} from "node:fs/promises";
import {
  dequantizeMatrix,
  importanceProblem,
  matrixBpw,
  quantizeMatrix,
  quantizedBytes,
  tailNote
} from "../../formats/matrix.ts";
import {tensorMetrics} from "../../quant/metrics.ts";
import {SCHEMES, toFormat} from "../../formats/schemes.ts";
import type {Command} from "../command.ts";
import {toInt} from "../options.ts";
import {refuseSameFile} from "../paths.ts";
import {QUANTIZE_MODEL_OPTIONS, quantizeModel, quantizesModel} from "./quantize-model.ts";

function required(value: string | boolean | undefined, name: string, arg: string): string {
  if (typeof value !== "string") throw new Error(`invalid ${name}: missing (--${name} ${arg})`);
  return value;
}

async function readF32File(path: string): Promise<Float32Array> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`invalid in: ${path} (${e.code === "ENOENT" ? "no such file" : e.message})`);
  });
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0)
    throw new Error(`invalid in: ${path} has ${bytes.byteLength} bytes (expected little-endian float32 values)`);
  const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new Error(`invalid in: value ${bad} of ${path} is ${x[bad]} (only finite values can be quantized)`);
  return x;
}

async function readImportance(path: string, cols: number): Promise<Float32Array> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`invalid imatrix: ${path} (${e.code === "ENOENT" ? "no such file" : e.message})`);
  });
  if (bytes.byteLength % 4 !== 0)
    throw new Error(`invalid imatrix: ${path} has ${bytes.byteLength} bytes (expected little-endian float32 values)`);
  const qw = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const problem = importanceProblem(qw, cols);
  if (problem) throw new Error(`invalid imatrix: ${path}: ${problem}`);
  return qw;
}

export const quantizeCommand: Command = {
  name: "quantize",
  summary:
    "quantize float32 values to a format's packed bytes (and back), with the error it costs; or a GGUF model with " +
    "llama-quantize's presets (--model, --preset)",
  modelOptions: false,
  options: [
    {
      name: "format",
      type: "string",
      arg: "SPEC",
      // every row of the trait table, options shortened: q8_0 … q2_k iq4_nl f16 int<b>:.. nf4:.. llama2c_q8:..
      help: `format: ${SCHEMES.map((scheme) => scheme.syntax.replace(/\[.*$/, ":..")).join(" ")}`
    },
    {name: "in", type: "string", arg: "FILE", help: "little-endian float32 input"},
    {name: "row", type: "int", arg: "N", help: "values per row (default: the whole input is one row)"},
    {name: "out", type: "string", arg: "FILE", help: "packed bytes: header, blocks of each row, then float32 tails"},
    {name: "dequant", type: "string", arg: "FILE", help: "also write the dequantized values as float32"},
    {
      name: "imatrix",
      type: "string",
      arg: "FILE",
      help: "ggml's weighted quantizer: --format: float32 importance per column; --model: llama-imatrix's .dat"
    },
    {name: "json", type: "boolean", help: "print one JSON object"},
    ...QUANTIZE_MODEL_OPTIONS
  ],
  async run(raw, io) {
    if (quantizesModel(raw)) return quantizeModel(raw, io);
    const format = toFormat(required(raw.format, "format", "SPEC"));
    const out = required(raw.out, "out", "FILE");
    refuseSameFile({in: raw.in, imatrix: raw.imatrix}, {out, dequant: raw.dequant});
    const path = required(raw.in, "in", "FILE");
    const x = await readF32File(path);
    const cols = toInt(raw, "row", {min: 1}) ?? x.length;
    if (x.length % cols !== 0)
      throw new Error(`invalid row: ${cols} (the input has ${x.length} values, not whole rows)`);
    const rows = x.length / cols;
    const imatrix = typeof raw.imatrix === "string" ? await readImportance(raw.imatrix, cols) : undefined;
    const q = quantizeMatrix(format.codec(rows, cols), x, rows, cols, imatrix);
    const packed = new Uint8Array(quantizedBytes(q));
    packed.set(q.data);
    packed.set(new Uint8Array(q.tail.buffer, q.tail.byteOffset, q.tail.byteLength), q.data.byteLength);
    const y = new Float32Array(x.length);
    dequantizeMatrix(y, q);
    const lost = y.findIndex((v) => !Number.isFinite(v));
    if (lost >= 0) {
      const largest = x.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      throw new Error(
        `invalid in: ${path} holds values beyond what ${format.name} can store (largest |value| ${largest}): ` +
          `value ${lost} reads back as ${y[lost]}, a stored fp16 scale or value overflows past 65504; ` +
          "scale the input down (nothing was written)"
      );
    }
    await writeFile(out, packed);
    if (typeof raw.dequant === "string") await writeFile(raw.dequant, new Uint8Array(y.buffer));
    const m = tensorMetrics(x, y);
    const summary = {
      format: format.name,
      rows,
      cols,
      blockSize: q.codec.blockSize,
      blockBytes: q.codec.blockBytes,
      bytes: packed.byteLength,
      tailValuesPerRow: q.tailLen,
      bpw: matrixBpw(q),
      sqnrDb: m.sqnrDb,
      normalizedL2: m.normalizedL2,
      cosine: m.cosine,
      maxAbsError: m.maxAbsError,
      note: tailNote(q)
    };
    if (raw.json === true) {
      io.out(JSON.stringify(summary) + "\n");
      return;
    }
    io.out(
      `${summary.format}: ${rows} × ${cols} values -> ${summary.bytes} bytes (${summary.bpw.toFixed(4)} bits per weight)\n` +
        `SQNR ${m.sqnrDb.toFixed(2)} dB, normalized L2 ${m.normalizedL2.toExponential(3)}, ` +
        `cosine ${m.cosine.toFixed(6)}, max |error| ${m.maxAbsError.toExponential(3)}\n` +
        (summary.note ? `note: ${summary.note}\n` : "")
    );
  }
};

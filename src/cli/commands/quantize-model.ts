// glassbox quantize [--model in.gguf | --model in.bin --tokenizer tok.bin] (--preset P | --quant preset=P[,…])
//   [--out out.gguf] [--json]
// (no --model: the built-in model; a llama2.c checkpoint is first converted as llama-convert-llama2c-to-ggml does)
// A model quantized as llama-quantize quantizes it: the per-tensor table (name, type, shape in ggml's ne order, the
// reason — llama-quantize's rule, the layer count it looked at, the fallback when the rows do not fit, or the spec's
// override — bytes, bits per weight) and the totals, and with --out the GGUF file, tensor by tensor (never the whole
// model in memory). --preset Q4_K_M is short for --quant preset=Q4_K_M; overrides go in the spec grammar
// (--quant preset=Q4_K_M,attn_v=q8_0, GGUF tensor names, ggml types), not as a second flag.
import {readFile, stat} from "node:fs/promises";
import {DEFAULT_MODEL_FILES} from "../../engine/default-model.ts";
import {readCheckpoint} from "../../engine/checkpoint.ts";
import {readModelFiles} from "../../engine/load.node.ts";
import {bytesSource, ggufBytes, type ByteSource} from "../../model-files/gguf/index.ts";
import {openFileSource} from "../../model-files/gguf/source.node.ts";
import {readTokenizer} from "../../tokenizers/llama2c.ts";
import {writeGgufFile} from "../../model-files/gguf/write.node.ts";
import {
  PRESETS,
  llama2cGguf,
  quantizeGgufStream,
  type QuantizedGgufStream,
  type SpecTensor
} from "../../quant/presets/index.ts";
import {imatrixImportance, readImatrix} from "../../quant/imatrix/index.ts";
import {formatQuantSpec, toQuantSpec, type QuantSpec} from "../../quant/spec.ts";
import type {Io} from "../command.ts";
import type {OptionSpec, RawOptions} from "../options.ts";
import {refuseSameFile} from "../paths.ts";

export const QUANTIZE_MODEL_OPTIONS: OptionSpec[] = [
  {
    name: "model",
    type: "string",
    arg: "M",
    help: "an F32/F16/BF16 GGUF file or a llama2.c checkpoint (with --tokenizer) (default: the built-in model)"
  },
  {name: "tokenizer", type: "string", arg: "T", help: "the llama2.c tokenizer.bin of a checkpoint"},
  {name: "preset", type: "string", arg: "P", help: `llama-quantize's preset: ${PRESETS.map((p) => p.name).join(" ")}`},
  {
    name: "quant",
    type: "string",
    arg: "SPEC",
    help: "a preset with overrides in the spec grammar, e.g. preset=Q4_K_M,attn_v=q8_0,blk.0.ffn_down=q6_k"
  }
];

/** The spec the flags ask for: --preset P (= preset=P) or --quant preset=P,…; one of them, not both. */
export function specOf(raw: RawOptions, usage = "--model"): string | QuantSpec {
  const {preset, quant} = raw as Record<string, string | undefined>;
  if (preset !== undefined && quant !== undefined)
    throw new Error(
      `invalid quant: ${quant} given with --preset ${preset} (write the overrides after the preset in one spec: ` +
        `--quant preset=${preset},${quant})`
    );
  if (quant !== undefined) return toQuantSpec(quant);
  if (preset === undefined)
    throw new Error(`invalid preset: missing (${usage} needs --preset P or --quant preset=P[,target=type…])`);
  if (preset.includes("=") || preset.includes(","))
    throw new Error(`invalid preset: ${preset} (a preset is a name like Q4_K_M; overrides go in --quant preset=…)`);
  return preset;
}

/**
 * The model as a GGUF byte source: a GGUF file as it is; a llama2.c checkpoint (and the built-in model) converted
 * first, in memory, as llama-convert-llama2c-to-ggml converts it.
 */
async function openModel(
  path: string | undefined,
  tokenizer: string | undefined
): Promise<ByteSource & {close(): Promise<void>}> {
  const converted = (files: {checkpoint: Uint8Array; tokenizer: Uint8Array}, name: string) => {
    const {config, weights} = readCheckpoint(files.checkpoint);
    const gguf = ggufBytes(llama2cGguf(config, weights, readTokenizer(files.tokenizer, config.vocabSize)));
    return {...bytesSource(gguf, name), close: async () => undefined};
  };
  if (path === undefined) {
    if (tokenizer !== undefined)
      throw new Error("invalid tokenizer: given without --model (the built-in model has its own)");
    return converted(DEFAULT_MODEL_FILES(), "the built-in model");
  }
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false
  );
  if (isFolder)
    throw new Error(
      `invalid model: ${path} is a folder; quantize --model takes a GGUF file or a llama2.c checkpoint (convert a ` +
        "Hugging Face folder with llama.cpp's convert_hf_to_gguf.py first)"
    );
  const source = await openFileSource(path);
  const magic = source.size >= 4 ? new TextDecoder().decode(await source.read(0, 4)) : "";
  if (magic === "GGUF") {
    if (tokenizer !== undefined)
      throw new Error(`invalid tokenizer: ${tokenizer} given with a GGUF file (${path} carries its own tokenizer)`);
    return source;
  }
  await source.close();
  if (tokenizer === undefined)
    throw new Error(
      `invalid tokenizer: missing (${path} is not a GGUF file, so it is read as a llama2.c checkpoint, which needs ` +
        "--tokenizer T, the tokenizer.bin exported with it)"
    );
  return converted(await readModelFiles(path, tokenizer), path);
}

function reasonKind(t: SpecTensor): string {
  if (t.rule.startsWith("override:")) return "override";
  if (t.fallback !== undefined) return "fallback";
  if (t.layer !== undefined) return "layer";
  return "rule";
}

function reasonText(t: SpecTensor): string {
  const layer = t.layer ? ` (layer ${t.layer.index} of ${t.layer.count})` : "";
  const fallback = t.fallback ? `; ${t.fallback}` : "";
  return `${t.rule.replace(/^override: /, "")}${layer}${fallback}`;
}

/** llama-imatrix's .dat (llama-quantize --imatrix): each tensor's importance, its values divided by ncall. */
async function readImatrixFile(path: string): Promise<Map<string, Float32Array>> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`invalid imatrix: ${path} (${e.code === "ENOENT" ? "no such file" : e.message})`);
  });
  return imatrixImportance(readImatrix(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path));
}

/** Whether the flags ask for a model (quantize dispatches here), not for --format's float32 values. */
export function quantizesModel(raw: RawOptions): boolean {
  return raw.model !== undefined || raw.preset !== undefined || raw.quant !== undefined;
}

export async function quantizeModel(raw: RawOptions, io: Io): Promise<void> {
  const {model, tokenizer} = raw as Record<string, string | undefined>;
  const out = typeof raw.out === "string" ? raw.out : undefined;
  for (const flag of ["format", "in", "row", "dequant"])
    if (raw[flag] !== undefined)
      throw new Error(`invalid option: --${flag} (it belongs to quantize --format; --model takes --preset/--quant)`);
  const spec = specOf(raw);
  const imatrixPath = typeof raw.imatrix === "string" ? raw.imatrix : undefined;
  refuseSameFile({model, tokenizer, imatrix: imatrixPath}, {out});
  const imatrix = imatrixPath === undefined ? undefined : await readImatrixFile(imatrixPath);
  const source = await openModel(model, tokenizer);
  try {
    const q = await quantizeGgufStream(source, spec, {imatrix});
    if (q.imatrixMissing.length > 0)
      io.err(
        `note: the imatrix has no entry for ${q.imatrixMissing.length} quantized tensor(s) ` +
          `(${q.imatrixMissing.slice(0, 3).join(", ")}${q.imatrixMissing.length > 3 ? ", …" : ""}): quantized without, as llama-quantize does\n`
      );
    const fileBytes = out === undefined ? undefined : await writeGgufFile(out, q.out);
    reportPlan(io, q, {model: model ?? "the built-in model"}, raw.json === true, out, fileBytes);
  } finally {
    await source.close();
  }
}

/**
 * Prints what a quantized GGUF holds: the per-tensor table and totals, or one JSON object (`what` first: the model
 * or shape it came from). Shared by quantize --model and shape.
 */
export function reportPlan(
  io: Io,
  q: QuantizedGgufStream,
  what: Record<string, unknown>,
  json: boolean,
  out: string | undefined,
  fileBytes: number | undefined
): void {
  const bytes = q.plan.reduce((n, t) => n + t.bytes, 0);
  const weights = q.plan.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const summary = {
    ...what,
    preset: q.preset.name,
    spec: formatQuantSpec(q.spec),
    fileType: q.preset.ftype,
    tensors: q.plan.map((t) => ({
      name: t.name,
      type: t.type!,
      from: t.from,
      shape: t.shape,
      reason: reasonKind(t),
      rule: t.rule,
      ...(t.layer ? {layer: t.layer} : {}),
      ...(t.fallback ? {fallback: t.fallback} : {}),
      bytes: t.bytes,
      bpw: t.bpw
    })),
    bytes,
    weights,
    bpw: (8 * bytes) / weights,
    ...(out !== undefined ? {out, fileBytes} : {})
  };
  if (json) {
    io.out(JSON.stringify(summary) + "\n");
    return;
  }
  const rows = q.plan.map((t) => [
    t.name,
    t.type!,
    `[${t.shape.join(", ")}]`,
    String(t.bytes),
    t.bpw.toFixed(2),
    `${reasonKind(t)}: ${reasonText(t)}`
  ]);
  const header = ["tensor", "type", "shape", "bytes", "bpw", "reason"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 3 || i === 4 ? c.padStart(widths[i]!) : i === 5 ? c : c.padEnd(widths[i]!))).join("  ");
  io.out(`${Object.values(what)[0]} with ${summary.spec} (general.file_type ${q.preset.ftype}):\n`);
  for (const r of [header, ...rows]) io.out(line(r) + "\n");
  io.out(
    `total: ${q.plan.length} tensors, ${weights} weights -> ${bytes} bytes of tensor data ` +
      `(${summary.bpw.toFixed(4)} bits per weight)\n` +
      (out !== undefined ? `wrote ${out} (${fileBytes} bytes)\n` : "")
  );
}

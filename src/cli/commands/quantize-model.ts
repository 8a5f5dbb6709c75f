// glassbox quantize --model in.gguf (--preset P | --quant preset=P[,target=type…]) [--out out.gguf] [--json]
// A model quantized as llama-quantize quantizes it: the per-tensor table (name, type, shape in ggml's ne order, the
// reason — llama-quantize's rule, the layer count it looked at, the fallback when the rows do not fit, or the spec's
// override — bytes, bits per weight) and the totals, and with --out the GGUF file, tensor by tensor (never the whole
// model in memory). --preset Q4_K_M is short for --quant preset=Q4_K_M; overrides go in the spec grammar
// (--quant preset=Q4_K_M,attn_v=q8_0, GGUF tensor names, ggml types), not as a second flag.
import {stat} from "node:fs/promises";
import {openFileSource, type FileSource} from "../../model-files/gguf/source.node.ts";
import {writeGgufFile} from "../../model-files/gguf/write.node.ts";
import {PRESETS, quantizeGgufStream, type QuantizedGgufStream, type SpecTensor} from "../../quant/presets/index.ts";
import {formatQuantSpec, toQuantSpec, type QuantSpec} from "../../quant/spec.ts";
import type {Io} from "../command.ts";
import type {OptionSpec, RawOptions} from "../options.ts";
import {refuseSameFile} from "../paths.ts";

export const QUANTIZE_MODEL_OPTIONS: OptionSpec[] = [
  {
    name: "model",
    type: "string",
    arg: "M",
    help: "a GGUF file (F32, F16 or BF16) to quantize with --preset or --quant"
  },
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

async function openGguf(path: string): Promise<FileSource> {
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false
  );
  if (isFolder)
    throw new Error(
      `invalid model: ${path} is a folder; quantize --model takes a GGUF file (convert a Hugging Face folder with ` +
        "llama.cpp's convert_hf_to_gguf.py first)"
    );
  const source = await openFileSource(path);
  const magic = source.size >= 4 ? new TextDecoder().decode(await source.read(0, 4)) : "";
  if (magic !== "GGUF") {
    await source.close();
    throw new Error(
      `invalid model: ${path} is not a GGUF file (it does not start with "GGUF"); quantize --model takes a GGUF ` +
        "file (a llama2.c checkpoint converts with llama.cpp's llama-convert-llama2c-to-ggml)"
    );
  }
  return source;
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

/** Whether the flags ask for a model (quantize dispatches here), not for --format's float32 values. */
export function quantizesModel(raw: RawOptions): boolean {
  return raw.model !== undefined || raw.preset !== undefined || raw.quant !== undefined;
}

export async function quantizeModel(raw: RawOptions, io: Io): Promise<void> {
  if (typeof raw.model !== "string")
    throw new Error("invalid model: missing (--preset and --quant quantize a model: --model in.gguf)");
  const model = raw.model;
  const out = typeof raw.out === "string" ? raw.out : undefined;
  for (const flag of ["format", "in", "row", "dequant"])
    if (raw[flag] !== undefined)
      throw new Error(`invalid option: --${flag} (it belongs to quantize --format; --model takes --preset/--quant)`);
  const spec = specOf(raw);
  refuseSameFile({model}, {out});
  const source = await openGguf(model);
  try {
    const q = await quantizeGgufStream(source, spec);
    const fileBytes = out === undefined ? undefined : await writeGgufFile(out, q.out);
    reportPlan(io, q, {model}, raw.json === true, out, fileBytes);
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

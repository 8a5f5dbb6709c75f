// llama-quantize in TypeScript: a GGUF file in, the same model quantized with a preset out (llama.cpp c392e5094,
// llama_model_quantize_impl). With an importance matrix (llama-quantize --imatrix: per tensor name, one importance
// per column, the .dat values already divided by ncall) the type rules know it (has_imatrix) and each tensor with an
// entry is quantized by its type's weighted quantizer; a tensor without one is quantized without, as there, and an
// entry of the wrong length is refused (token_embd's is ignored, as there). The metadata is kept key for key (tokenizer included)
// except the split keys, which are dropped, and general.quantization_version (2) and general.file_type (the
// preset's ftype), which are set and moved to the end as gguf_set_val does. Tensors are written in llama-quantize's
// order, each quantized from float32 with ggml's reference quantizers; one already in its target type is copied.
// Like llama-quantize (without --allow-requantize) it refuses to quantize a tensor that is already quantized.
import {
  readGguf,
  readTensorBytes,
  type ByteSource,
  type GgufFile,
  type GgufLazyOut,
  type GgufLazyTensor,
  type GgufOut,
  type GgufOutEntry
} from "../../model-files/gguf/index.ts";
import {GGML_CODECS} from "../../formats/ggml-codecs.ts";
import {importanceProblem, zeroImportanceProblem} from "../../formats/matrix.ts";
import {ggufTensorName} from "../../model-files/matrix-names.ts";
import {toQuantSpec, type QuantSpec} from "../spec.ts";
import {decodeTensor, encodeTensor} from "./ggml-codecs.ts";
import {toPreset, type Preset} from "./presets.ts";
import type {PresetModel} from "./resolve.ts";
import {planSpec, type SpecTensor} from "./spec-plan.ts";

/** ggml's GGML_QNT_VERSION at c392e5094 */
export const QUANTIZATION_VERSION = 2;

const FLOAT_TYPES = ["F32", "F16", "BF16"];
const DROPPED_KEYS = new Set(["split.no", "split.count", "split.tensors.count"]);

export interface QuantizedGguf {
  readonly preset: Preset;
  /** the quantized tensors the importance matrix had no entry for (quantized without; empty without an imatrix) */
  readonly imatrixMissing: readonly string[];
  /** per tensor, in the written order: its type and why */
  readonly plan: readonly SpecTensor[];
  /** ready for encodeGguf */
  readonly out: GgufOut;
}

/** The same, each tensor quantized only when the writer asks for its bytes (ggufParts, writeGgufFile). */
export interface QuantizedGgufStream {
  readonly preset: Preset;
  readonly imatrixMissing: readonly string[];
  /** the preset spec, overrides included */
  readonly spec: QuantSpec;
  readonly plan: readonly SpecTensor[];
  readonly out: GgufLazyOut;
}

/** What the preset rules need from a GGUF file: its tensors and the layer and head counts. */
export function presetModelOf(gguf: GgufFile): PresetModel {
  const m = gguf.metadata;
  const arch = m.getString("general.architecture");
  if (arch === "falcon")
    throw new Error(
      `${gguf.file}: falcon models follow other llama-quantize rules, which are not ported; use llama-quantize`
    );
  if (m.has(`${arch}.expert_count`) && m.getU32(`${arch}.expert_count`) > 1)
    throw new Error(`${gguf.file}: mixture-of-experts models follow other llama-quantize rules, which are not ported`);
  const nHead = m.getU32(`${arch}.attention.head_count`);
  return {
    tensors: gguf.tensors.map((t) => ({name: t.name, shape: t.shape, type: t.type.name})),
    nLayers: m.getU32(`${arch}.block_count`),
    nHead,
    nHeadKv: m.getU32(`${arch}.attention.head_count_kv`, nHead)
  };
}

/** The metadata llama-quantize writes: the input's, split keys dropped, quantization version and file type set. */
export function quantizedMetadata(entries: readonly GgufOutEntry[], preset: Preset): GgufOutEntry[] {
  const set = new Set([...DROPPED_KEYS, "general.quantization_version", "general.file_type"]);
  return [
    ...entries.filter((e) => !set.has(e.key)).map(({key, type, value}) => ({key, type, value})),
    {key: "general.quantization_version", type: "u32", value: QUANTIZATION_VERSION},
    {key: "general.file_type", type: "u32", value: preset.ftype}
  ];
}

export interface QuantizeGgufOptions {
  /** importance per column by tensor name ("blk.0.ffn_down.weight"), e.g. imatrixImportance(readImatrix(…)) */
  imatrix?: ReadonlyMap<string, Float32Array>;
}

/** The importance for tensor p, null when there is none to use; throws as llama-quantize does on a wrong length. */
function importanceFor(imatrix: ReadonlyMap<string, Float32Array>, p: SpecTensor, file: string): Float32Array | null {
  const qw = imatrix.get(p.name);
  if (!qw) return null;
  const cols = p.shape[0] ?? 1;
  if (qw.length !== cols) {
    if (p.name === ggufTensorName("token_embd")) return null;
    throw new Error(
      `${file}: the imatrix entry for "${p.name}" has ${qw.length} values, the tensor's rows ${cols} ` +
        "(an imatrix of another model?)"
    );
  }
  // types without a weighted quantizer (F16, BF16) ignore the importance, zeros included
  const codec = GGML_CODECS.get(p.type!);
  const problem =
    importanceProblem(qw, cols) ?? (codec?.quantizeWeighted ? zeroImportanceProblem(qw, codec.blockSize) : null);
  if (problem) throw new Error(`${file}: the imatrix entry for "${p.name}" has ${problem}`);
  return qw;
}

/**
 * The file quantized with a preset ("Q4_K_M") or a preset spec with overrides ("preset=Q4_K_M,attn_v=q8_0", each
 * override through llama-quantize's block-fit fallback), tensors made on demand; general.file_type is the preset's.
 * Every check (requantizing, the importance entries) runs before the first tensor is made.
 */
export async function quantizeGgufStream(
  source: ByteSource,
  presetOrSpec: string | Preset | QuantSpec,
  {imatrix}: QuantizeGgufOptions = {}
): Promise<QuantizedGgufStream> {
  const spec = toPresetSpec(presetOrSpec);
  const preset = toPreset(spec.preset!);
  const gguf = await readGguf(source);
  const plan = planSpec(spec, presetModelOf(gguf), {hasImatrix: imatrix !== undefined});
  const imatrixMissing: string[] = [];
  const tensors = plan.map((p): GgufLazyTensor => {
    const type = p.type!;
    if (type !== p.from && !FLOAT_TYPES.includes(p.from))
      throw new Error(
        `${source.name}: tensor "${p.name}" is already ${p.from}; requantizing to ${type} is refused (as by ` +
          `llama-quantize without --allow-requantize): quantize the F32, F16 or BF16 model instead`
      );
    const quantized = type !== p.from;
    const qw = imatrix && quantized ? importanceFor(imatrix, p, source.name) : null;
    if (imatrix && quantized && !imatrix.has(p.name)) imatrixMissing.push(p.name);
    return {name: p.name, type, shape: p.shape, data: () => quantizedTensor(source, gguf, p.name, p.from, type, qw)};
  });
  return {
    preset,
    spec,
    imatrixMissing,
    plan,
    out: {metadata: quantizedMetadata(gguf.metadata.entries, preset), tensors}
  };
}

/** quantizeGgufStream with every tensor in memory (small models, tests, a browser download). */
export async function quantizeGguf(
  source: ByteSource,
  presetOrSpec: string | Preset | QuantSpec,
  options: QuantizeGgufOptions = {}
): Promise<QuantizedGguf> {
  const q = await quantizeGgufStream(source, presetOrSpec, options);
  const tensors = [];
  for (const t of q.out.tensors) tensors.push({name: t.name, type: t.type, shape: t.shape, data: await t.data()});
  return {
    preset: q.preset,
    imatrixMissing: q.imatrixMissing,
    plan: q.plan,
    out: {metadata: q.out.metadata, tensors}
  };
}

/** A preset name is the spec preset=<name>; a spec must be a preset spec (a plain format has no file type). */
export function toPresetSpec(presetOrSpec: string | Preset | QuantSpec): QuantSpec {
  if (typeof presetOrSpec === "object" && "ftype" in presetOrSpec) return toQuantSpec(`preset=${presetOrSpec.name}`);
  if (typeof presetOrSpec === "string" && !presetOrSpec.includes("=")) return toQuantSpec(`preset=${presetOrSpec}`);
  const spec = toQuantSpec(presetOrSpec);
  if (spec.preset === undefined)
    throw new Error(
      `invalid quant spec: ${typeof presetOrSpec === "string" ? presetOrSpec : spec.base} (a GGUF file is written ` +
        "from a preset: preset=Q4_K_M[,target=type…])"
    );
  return spec;
}

async function quantizedTensor(
  source: ByteSource,
  gguf: GgufFile,
  name: string,
  from: string,
  type: string,
  importance: Float32Array | null
): Promise<Uint8Array> {
  const info = gguf.tensor(name)!;
  const stored = await readTensorBytes(source, info);
  return type === from ? stored : encodeTensor(type, decodeTensor(from, stored, info.count), importance ?? undefined);
}

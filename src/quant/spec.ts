// The one quantization spec grammar, used by the CLI, notebooks, URLs, Arrow metadata and export provenance:
//   spec     = (format | "preset=" preset) ("," target "=" format)*
//   preset   = llama-quantize's name: Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_K_S Q4_K_M Q5_K_S Q5_K_M Q6_K Q8_0 Q4_0 Q4_1 Q5_0
//              Q5_1 IQ4_NL F16 BF16 (presets/presets.ts)
//   format   = "fp32" | scheme text (schemes.ts), e.g. q4_0, int4:g32:asym, nf4:b64
//   target   = "token_embd" | "output" | matrix | "blk." layer | "blk." layer "." matrix
//   matrix   = attn_q | attn_k | attn_v | attn_output | ffn_gate | ffn_down | ffn_up
// Targets are GGUF's tensor names (model-files/matrix-names.ts), the ones a learner sees in a real file, e.g.
// "q4_0,token_embd=q8_0,output=fp32", "fp32,ffn_down=q8_0", "fp32,blk.3=q4_0" (one layer), "fp32,blk.3.attn_q=q4_0"
// (one matrix). Also accepted, and formatted back to the names above: llama2.c's names (wq wk wv wo = attn_q attn_k
// attn_v attn_output, w1 = ffn_gate, w2 = ffn_down, w3 = ffn_up, tok_embeddings or emb = token_embd, wcls or cls =
// output), "l" layer for "blk." layer (l3, l3.wq), and a file's ".weight" suffix (blk.3.attn_q.weight), so old links
// such as ?quant=q4_0,w2=q8_0 keep working. Case: the whole text is case-insensitive and the canonical text is lower
// case (GGUF's names are); layer numbers are decimal, leading zeros dropped (l03 = blk.3).
// A format is one format for every matrix ("q4_0": every matrix in Q4_0); a preset is llama-quantize's per-tensor
// mixture ("preset=Q4_0": Q4_0, but output in Q6_K), resolved on a model's shapes (presets/spec-plan.ts), and its
// overrides must be ggml types so the result is always a GGUF file (preset=Q4_K_M,attn_v=q8_0). Case: preset names are
// canonical in llama-quantize's upper case (preset=Q4_K_M), everything else lower case (q4_k_m is read as Q4_K_M).
// The most specific target wins: blk.<i>.<matrix>, then <matrix>, then blk.<i>, then the base. Norm weights are never
// quantized (no target names them). formatQuantSpec(parseQuantSpec(s)) is the canonical text; parsing it again gives
// an equal spec.
import {GGML_CODECS} from "../formats/ggml-codecs.ts";
import {toFormat} from "../formats/schemes.ts";
import {toPreset} from "./presets/presets.ts";
import {isLayerMatrix, LLAMA2C_NAMES, MATRIX_NAMES, type MatrixName} from "../model-files/matrix-names.ts";

export interface QuantOverride {
  /** canonical: "token_embd" | "output" | matrix | "blk.<i>" | "blk.<i>.<matrix>" */
  target: string;
  /** canonical format text or "fp32" */
  format: string;
}

export interface QuantSpec {
  /** canonical format text or "fp32" for every matrix no override names; a preset's: its default type's format */
  base: string;
  /** llama-quantize's preset name (upper case) when the spec is "preset=<name>,...": base is then only its start */
  preset?: string;
  overrides: QuantOverride[];
}

export const FP32 = "fp32";

/** The formats a preset's override may name: the ggml types a GGUF file can hold (and fp32 = F32). */
export const GGML_FORMATS: readonly string[] = [FP32, ...[...GGML_CODECS.keys()].map((t) => t.toLowerCase())];

const PRESET = /^\s*preset\s*=(.*)$/i;

function canonicalFormat(text: string): string {
  const t = text.trim().toLowerCase();
  return t === FP32 ? FP32 : toFormat(t).name;
}

const ALIASES: Readonly<Record<string, MatrixName>> = {...LLAMA2C_NAMES, emb: "token_embd", cls: "output"};
const TARGET = /^(?:(?:blk\.|l)(\d+)(?:\.(\w+))?|(\w+))(\.weight)?$/;

function matrixOf(text: string): MatrixName | undefined {
  return (MATRIX_NAMES as readonly string[]).includes(text) ? (text as MatrixName) : ALIASES[text];
}

/** Target text (canonical or an alias, any case) -> the canonical target; throws invalid quant target: <text>. */
export function toTarget(text: string): string {
  const m = TARGET.exec(text.trim().toLowerCase());
  const [, digits, inLayer, alone, suffix] = m ?? [];
  if (alone !== undefined) {
    const name = matrixOf(alone);
    if (name) return name;
  } else if (digits !== undefined) {
    // leading zeros dropped as text, not through Number, so a long number still round-trips
    const layer = `blk.${digits.replace(/^0+(?=\d)/, "")}`;
    if (inLayer === undefined && !suffix) return layer;
    const name = inLayer === undefined ? undefined : matrixOf(inLayer);
    if (name && isLayerMatrix(name)) return `${layer}.${name}`;
  }
  throw new Error(`invalid quant target: ${text}`);
}

/** The target that names exactly one matrix: blk.<layer>.<name>, or token_embd / output. */
export function targetOf(name: MatrixName, layer: number): string {
  return isLayerMatrix(name) ? `blk.${layer}.${name}` : name;
}

/** Parses spec text; throws invalid <name>: <value> naming the bad part. */
export function parseQuantSpec(text: string): QuantSpec {
  if (typeof text !== "string" || !text.trim()) throw new Error(`invalid quant spec: ${text}`);
  const [base, ...rest] = text.split(",");
  const presetName = PRESET.exec(base!)?.[1];
  const preset = presetName === undefined ? undefined : toPreset(presetName);
  const overrides: QuantOverride[] = [];
  for (const item of rest) {
    const eq = item.indexOf("=");
    if (eq < 0) throw new Error(`invalid quant override: ${item}`);
    if (PRESET.test(item))
      throw new Error(`invalid quant override: ${item} (a preset is the whole spec's base: write it first)`);
    const target = toTarget(item.slice(0, eq));
    if (overrides.some((o) => o.target === target))
      throw new Error(`invalid quant override: ${item} (target repeated)`);
    const format = canonicalFormat(item.slice(eq + 1));
    if (preset && !GGML_FORMATS.includes(format))
      throw new Error(
        `invalid quant override: ${item} (a preset's overrides are ggml types, so the model stays a GGUF file: ` +
          `${GGML_FORMATS.join(", ")})`
      );
    overrides.push({target, format});
  }
  if (preset) return {base: canonicalFormat(formatOfGgmlType(preset.defaultType)), preset: preset.name, overrides};
  return {base: canonicalFormat(base!), overrides};
}

/** The spec format of a ggml type name: F32 is fp32, any other is its name in lower case (Q4_K -> q4_k). */
export function formatOfGgmlType(type: string): string {
  return type === "F32" ? FP32 : type.toLowerCase();
}

/** The ggml type name of a spec format (fp32 -> F32, q4_k -> Q4_K), or undefined when GGUF has no such type. */
export function ggmlTypeOfFormat(format: string): string | undefined {
  return GGML_FORMATS.includes(format) ? (format === FP32 ? "F32" : format.toUpperCase()) : undefined;
}

export function formatQuantSpec(spec: QuantSpec): string {
  const base = spec.preset === undefined ? spec.base : `preset=${spec.preset}`;
  return [base, ...spec.overrides.map((o) => `${o.target}=${o.format}`)].join(",");
}

/** Spec text or object -> a validated QuantSpec (a copy). */
export function toQuantSpec(spec: string | QuantSpec): QuantSpec {
  return parseQuantSpec(typeof spec === "string" ? spec : formatQuantSpec(spec));
}

/**
 * The format text ("fp32" or a scheme) the spec gives one matrix; layer is ignored for token_embd and output. A preset
 * spec depends on the model's shapes: resolve it first (presets/spec-plan.ts, concreteSpec).
 */
export function formatFor(spec: QuantSpec, name: MatrixName, layer: number): string {
  if (spec.preset !== undefined)
    throw new Error(`preset=${spec.preset} depends on the model's shapes: resolve it with concreteSpec(spec, model)`);
  return overrideFor(spec, name, layer) ?? spec.base;
}

/** The format of the most specific override naming one matrix, or undefined when none does. */
export function overrideFor(spec: QuantSpec, name: MatrixName, layer: number): string | undefined {
  const find = (target: string) => spec.overrides.find((o) => o.target === target)?.format;
  if (!isLayerMatrix(name)) return find(name);
  return find(`blk.${layer}.${name}`) ?? find(name) ?? find(`blk.${layer}`);
}

/** Throws invalid quant target: blk.<i> when a layer target does not exist in a model of nLayers layers. */
export function checkSpecLayers(spec: QuantSpec, nLayers: number): void {
  for (const {target} of spec.overrides) {
    const m = /^blk\.(\d+)/.exec(target);
    if (m && Number(m[1]) >= nLayers)
      throw new Error(`invalid quant target: ${target} (the model has ${nLayers} layers)`);
  }
}

// The one quantization spec grammar, used by the CLI, notebooks, URLs, Arrow metadata and export provenance:
//   spec     = format ("," target "=" format)*
//   format   = "fp32" | scheme text (schemes.ts), e.g. q4_0, int4:g32:asym, nf4:b64
//   target   = "emb" | "cls" | matrix | "l" layer | "l" layer "." matrix
//   matrix   = wq | wk | wv | wo | w1 | w2 | w3
// e.g. "q4_0,emb=q8_0,cls=fp32", "fp32,w2=q8_0", "fp32,l3=q4_0" (one layer), "fp32,l3.wq=q4_0" (one matrix).
// The most specific target wins: l<i>.<matrix>, then <matrix>, then l<i>, then the base. Norm weights are never
// quantized (no target names them). formatQuantSpec(parseQuantSpec(s)) is the canonical text; parsing it again gives
// an equal spec.
import {toFormat} from "../formats/schemes.ts";

export const MATRIX_NAMES = ["wq", "wk", "wv", "wo", "w1", "w2", "w3"] as const;
export type LayerMatrix = (typeof MATRIX_NAMES)[number];
/** Every quantizable weight, llama2.c names: tok_embeddings (emb), the per-layer matrices, wcls (cls). */
export type MatrixName = "tok_embeddings" | "wcls" | LayerMatrix;

export interface QuantOverride {
  /** "emb" | "cls" | matrix | "l<i>" | "l<i>.<matrix>" */
  target: string;
  /** canonical format text or "fp32" */
  format: string;
}

export interface QuantSpec {
  /** canonical format text or "fp32" for every matrix no override names */
  base: string;
  overrides: QuantOverride[];
}

export const FP32 = "fp32";

function canonicalFormat(text: string): string {
  const t = text.trim().toLowerCase();
  return t === FP32 ? FP32 : toFormat(t).name;
}

const TARGET = /^(emb|cls|wq|wk|wv|wo|w1|w2|w3|l\d+|l\d+\.(wq|wk|wv|wo|w1|w2|w3))$/;

/** Parses spec text; throws invalid <name>: <value> naming the bad part. */
export function parseQuantSpec(text: string): QuantSpec {
  if (typeof text !== "string" || !text.trim()) throw new Error(`invalid quant spec: ${text}`);
  const [base, ...rest] = text.split(",");
  const overrides: QuantOverride[] = [];
  for (const item of rest) {
    const eq = item.indexOf("=");
    if (eq < 0) throw new Error(`invalid quant override: ${item}`);
    const target = item.slice(0, eq).trim().toLowerCase();
    if (!TARGET.test(target)) throw new Error(`invalid quant target: ${item.slice(0, eq)}`);
    if (overrides.some((o) => o.target === target))
      throw new Error(`invalid quant override: ${item} (target repeated)`);
    overrides.push({target, format: canonicalFormat(item.slice(eq + 1))});
  }
  return {base: canonicalFormat(base!), overrides};
}

export function formatQuantSpec(spec: QuantSpec): string {
  return [spec.base, ...spec.overrides.map((o) => `${o.target}=${o.format}`)].join(",");
}

/** Spec text or object -> a validated QuantSpec (a copy). */
export function toQuantSpec(spec: string | QuantSpec): QuantSpec {
  return parseQuantSpec(typeof spec === "string" ? spec : formatQuantSpec(spec));
}

/** The format text ("fp32" or a scheme) the spec gives one matrix; layer is ignored for tok_embeddings and wcls. */
export function formatFor(spec: QuantSpec, name: MatrixName, layer: number): string {
  const find = (target: string) => spec.overrides.find((o) => o.target === target)?.format;
  if (name === "tok_embeddings") return find("emb") ?? spec.base;
  if (name === "wcls") return find("cls") ?? spec.base;
  return find(`l${layer}.${name}`) ?? find(name) ?? find(`l${layer}`) ?? spec.base;
}

/** Throws invalid quant target: l<i> when a layer target does not exist in a model of nLayers layers. */
export function checkSpecLayers(spec: QuantSpec, nLayers: number): void {
  for (const {target} of spec.overrides) {
    const m = /^l(\d+)/.exec(target);
    if (m && Number(m[1]) >= nLayers)
      throw new Error(`invalid quant target: ${target} (the model has ${nLayers} layers)`);
  }
}

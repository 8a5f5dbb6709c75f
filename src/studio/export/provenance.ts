// Where an export came from, recorded in every file we write: the notebook and cell, the app version, the model the
// notebook runs (its name and the sha256 of its float32 weights in llama2.c file order, so two exports from the same
// weights carry the same hash), the quantization settings its get_w provider uses, the seed, and the page's inputs
// as the deep link holds them.
import {DEFAULT_CONFIG, weightShapes, type Config, type Transformer} from "../../engine/index.ts";
import {DEFAULT_SEED} from "../../engine/default-model.ts";
import {APP_VERSION} from "../../data/metadata.ts";
import {runtime} from "../runtime.ts";

export interface ModelProvenance {
  name: string;
  /** sha256 (hex) of the float32 weights in llama2.c file order */
  sha256: string;
  /** the quantization settings of the model's matrix provider, or "f32" */
  quant: unknown;
}

export interface Provenance {
  notebook: {title: string; file: string};
  cell: number;
  appVersion: string;
  models: ModelProvenance[];
  /** the seed of the built-in model's weights, or a notebook variable named `seed` */
  seed: number | null;
  /** the deep-link parameters: the inputs as the URL holds them */
  inputs: Record<string, string>;
  exportedAt: string;
}

function isTransformer(value: unknown): value is Transformer {
  const v = value as Partial<Transformer> | null;
  return !!v && typeof v === "object" && !!v.config && !!v.weights && !!v.matrices;
}

function sameConfig(a: Config, b: Config): boolean {
  return (Object.keys(b) as (keyof Config)[]).every((k) => a[k] === b[k]);
}

async function weightsSha256(model: Transformer): Promise<string> {
  const parts: Float32Array[] = [];
  for (const [name] of weightShapes(model.config)) {
    if (name === "wcls" && model.config.sharedClassifier) continue;
    parts.push(model.weights[name]);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), offset);
    offset += p.byteLength;
  }
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The values the notebook's runtime holds now (Observable runtime internals: one Set of variables). */
function runtimeValues(): {name: string | null; value: unknown}[] {
  const variables = (runtime as unknown as {_variables: Set<{_name: string | null; _value: unknown}>})._variables;
  return [...variables].map((v) => ({name: v._name, value: v._value}));
}

const hashes = new WeakMap<object, Promise<string>>();

export async function collectProvenance(notebook: {title: string; file: string}, cell: number): Promise<Provenance> {
  const models = new Set<Transformer>();
  let seed: number | null = null;
  for (const {name, value} of runtimeValues()) {
    if (isTransformer(value)) models.add(value);
    else if (value && typeof value === "object" && isTransformer((value as {model?: unknown}).model)) {
      models.add((value as {model: Transformer}).model);
    }
    if (name === "seed" && Number.isSafeInteger(value)) seed = value as number;
  }
  const described: ModelProvenance[] = [];
  for (const model of models) {
    const builtIn = sameConfig(model.config, DEFAULT_CONFIG);
    if (builtIn && seed === null) seed = DEFAULT_SEED;
    if (!hashes.has(model.weights)) hashes.set(model.weights, weightsSha256(model));
    const {dim, nLayers, nHeads, vocabSize} = model.config;
    described.push({
      name: builtIn
        ? "built-in default model (seeded weights)"
        : `model dim ${dim}, ${nLayers} layers, ${nHeads} heads, vocab ${vocabSize}`,
      sha256: await hashes.get(model.weights)!,
      quant: (model.matrices as {settings?: unknown}).settings ?? "f32"
    });
  }
  return {
    notebook,
    cell,
    appVersion: APP_VERSION,
    models: described,
    seed,
    inputs: Object.fromEntries(new URLSearchParams(location.search)),
    exportedAt: new Date().toISOString()
  };
}

/** One line for captions: "Rounding to a grid, cell 7 · glassbox 0.1.0 · built-in default model sha256 1a2b…". */
export function provenanceLine(p: Provenance): string {
  const parts = [`${p.notebook.title} (${p.notebook.file}), cell ${p.cell}`, `glassbox ${p.appVersion}`];
  for (const m of p.models) parts.push(`${m.name} sha256 ${m.sha256} quant ${JSON.stringify(m.quant)}`);
  if (p.seed !== null) parts.push(`seed ${p.seed}`);
  const inputs = new URLSearchParams(p.inputs).toString();
  if (inputs) parts.push(`inputs ${inputs}`);
  return parts.join(" · ");
}

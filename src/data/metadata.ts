// Schema metadata shared by every glassbox table: which table it is, its schema version, and the run it came from
// (model, quantization spec, seed, app version). Arrow metadata values are strings; objects are stored as JSON so any
// reader (pyarrow `schema.metadata`, polars, DuckDB) can parse them back.
import pkg from "../../package.json" with {type: "json"};

export const APP_VERSION: string = pkg.version;

/** Version of the column layout below; bump it when a column changes meaning or type. */
export const SCHEMA_VERSION = 1;

export const META = {
  table: "glassbox.table", // "activations" | "timings" | "metrics"
  schemaVersion: "glassbox.schema_version", // decimal string
  appVersion: "glassbox.app_version", // package.json version of the writer
  model: "glassbox.model", // JSON: {"name": ..., "config": {dim, nLayers, ...}}
  quant: "glassbox.quant", // JSON: the quantization spec (a string or an object), null for fp32
  seed: "glassbox.seed", // decimal string, or "null"
  hooks: "glassbox.hooks", // activations only, JSON: {hookName: {shape, axes}} as cached
  timerResolutionMs: "glassbox.timer_resolution_ms" // timings only: the clock granularity the durations carry
} as const;

export type TableKind = "activations" | "timings" | "metrics";

/** Where a table's numbers came from; stored in the schema metadata of every table we write. */
export interface RunInfo {
  /** the checkpoint: a name (file name or label) and optionally its config (dim, nLayers, ...) */
  model: {name: string; config?: Record<string, number | boolean | string>};
  /** the quantization spec applied to the weights; null (the default) means fp32 */
  quant?: unknown;
  /** the sampling seed, null (the default) when the run was greedy or unseeded */
  seed?: number | null;
  /** defaults to this package's version */
  appVersion?: string;
}

export function toSchemaMetadata(
  kind: TableKind,
  run: RunInfo,
  extra: Record<string, string> = {}
): Map<string, string> {
  const {model, quant = null, seed = null, appVersion = APP_VERSION} = run;
  if (!model || typeof model.name !== "string") throw new Error(`invalid model: ${JSON.stringify(model)}`);
  if (seed !== null && !Number.isSafeInteger(seed)) throw new Error(`invalid seed: ${seed}`);
  return new Map([
    [META.table, kind],
    [META.schemaVersion, String(SCHEMA_VERSION)],
    [META.appVersion, appVersion],
    [META.model, JSON.stringify(model)],
    [META.quant, JSON.stringify(quant)],
    [META.seed, String(seed)],
    ...Object.entries(extra)
  ]);
}

/** The run a glassbox table came from, parsed back from its schema metadata. */
export function readRunInfo(schema: {metadata: Map<string, string>}): Required<RunInfo> {
  const m = schema.metadata;
  const json = (key: string) => {
    const text = m.get(key);
    if (text === undefined) throw new Error(`missing schema metadata: ${key}`);
    return JSON.parse(text);
  };
  return {
    model: json(META.model),
    quant: json(META.quant),
    seed: json(META.seed),
    appVersion: m.get(META.appVersion) ?? "unknown"
  };
}

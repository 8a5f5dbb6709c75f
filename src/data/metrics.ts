// Quantization metrics -> Arrow table: one row per (tensor, layer, spec). The known metrics have fixed columns (null
// where a row does not have them, e.g. kld on a weight-matrix row); further metrics become extra Float64 columns.
import {Field, Float64, Table} from "apache-arrow";
import type {TensorMetrics} from "../quant/metrics.ts";
import type {ModelMetrics} from "../quant/model-metrics.ts";
import type {HookError} from "../quant/evaluate.ts";
import {parseHookName} from "../engine/hooks/names.ts";
import {float64Column, int32Column, recordBatch, utf8Column} from "./columns.ts";
import {toSchemaMetadata, type RunInfo} from "./metadata.ts";
import {TABLES, tableSchema} from "./schemas.ts";

export interface MetricRecord {
  /** matrix name (wq, wk, ..., w1, w2, w3, wcls), or a model-level label such as "logits" */
  tensor: string;
  /** block index; null (the default) outside the blocks and for model-level rows */
  layer?: number | null;
  /** the quantization spec; an object is stored as JSON */
  spec: string | object;
  bitsPerWeight: number;
  sqnrDb?: number | null;
  cosine?: number | null;
  maxAbsError?: number | null;
  normalizedL2?: number | null;
  kld?: number | null;
  /** further metrics by column name (snake_case), each a Float64 column */
  extra?: Record<string, number | null>;
}

const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;

/** The extra metric names across records, sorted, each checked against the fixed columns. */
function extraNames(records: readonly MetricRecord[]): string[] {
  const fixed = new Set(TABLES.metrics.columns.map((c) => c.name));
  const names = new Set(records.flatMap((r) => Object.keys(r.extra ?? {})));
  for (const name of names) {
    if (!COLUMN_NAME.test(name) || fixed.has(name)) throw new Error(`invalid metric name: ${name}`);
  }
  return [...names].sort();
}

function checkRecord(r: MetricRecord, i: number): void {
  const where = `metric ${i} (${r.tensor}, layer ${r.layer ?? null})`;
  if (typeof r.tensor !== "string" || r.tensor === "") throw new Error(`invalid tensor: ${r.tensor} in ${where}`);
  const layer = r.layer ?? null;
  if (layer !== null && (!Number.isInteger(layer) || layer < 0)) throw new Error(`invalid layer: ${layer} in ${where}`);
  if (!(r.bitsPerWeight > 0)) throw new Error(`invalid bits_per_weight: ${r.bitsPerWeight} in ${where}`);
}

const specText = (spec: string | object) => (typeof spec === "string" ? spec : JSON.stringify(spec));

export function metricsToTable(records: readonly MetricRecord[], run: RunInfo): Table {
  records.forEach(checkRecord);
  const extras = extraNames(records);
  const schema = tableSchema(
    "metrics",
    toSchemaMetadata("metrics", run),
    extras.map((name) => new Field(name, new Float64(), true))
  );
  // NaN stays NaN (a metric that was computed and is undefined, e.g. cosine of zeros); missing is null
  const batch = recordBatch(schema, [
    utf8Column(records.map((r) => r.tensor)),
    int32Column(records.map((r) => r.layer)),
    utf8Column(records.map((r) => specText(r.spec))),
    float64Column(records.map((r) => r.bitsPerWeight)),
    float64Column(records.map((r) => r.sqnrDb)),
    float64Column(records.map((r) => r.cosine)),
    float64Column(records.map((r) => r.maxAbsError)),
    float64Column(records.map((r) => r.normalizedL2)),
    float64Column(records.map((r) => r.kld)),
    ...extras.map((name) => float64Column(records.map((r) => r.extra?.[name])))
  ]);
  return new Table(schema, [batch]);
}

/** A weight-matrix row from src/quant's tensorMetrics(ref, approx). */
export function tensorMetricRecord(
  tensor: string,
  layer: number | null,
  spec: string | object,
  bitsPerWeight: number,
  m: TensorMetrics
): MetricRecord {
  const {sqnrDb, cosine, maxAbsError, normalizedL2} = m;
  return {tensor, layer, spec, bitsPerWeight, sqnrDb, cosine, maxAbsError, normalizedL2};
}

/**
 * A model-level row from src/quant's compareLogits / evaluateQuant: mean KLD, the rest as extras. tensor defaults to
 * "logits"; a sensitivity run names what it quantized ("blk.2.ffn_down").
 */
export function modelMetricRecord(
  spec: string | object,
  bitsPerWeight: number,
  m: ModelMetrics,
  tensor = "logits"
): MetricRecord {
  const {tokens, kld, sameTopPct, deltaP, ppl} = m;
  return {
    tensor,
    layer: null,
    spec,
    bitsPerWeight,
    kld: kld.mean,
    extra: {
      tokens,
      kld_median: kld.median,
      kld_p99: kld.p99,
      kld_p999: kld.p999,
      kld_max: kld.max,
      same_top_pct: sameTopPct,
      delta_p_mean: deltaP.mean,
      delta_p_rms: deltaP.rms,
      ppl_base: ppl.base,
      ppl_quant: ppl.quant,
      ppl_ratio: ppl.ratio,
      ppl_ln_ratio: ppl.lnRatio,
      ppl_delta: ppl.delta
    }
  };
}

/** A row per hook from src/quant's activationErrors: tensor is the hook name, layer its block. */
export function hookErrorRecord(spec: string | object, bitsPerWeight: number, e: HookError): MetricRecord {
  const {layer} = parseHookName(e.hook);
  return {tensor: e.hook, layer: layer < 0 ? null : layer, spec, bitsPerWeight, sqnrDb: e.sqnrDb, cosine: e.cosine};
}

/** What `glassbox eval --metrics m.arrow` writes: the model-level row, then one row per hook when measured. */
export function evalMetricsTable(
  run: RunInfo,
  spec: string,
  bitsPerWeight: number,
  metrics: ModelMetrics,
  hookErrors: readonly HookError[] = []
): Table {
  const hooks = hookErrors.map((e) => hookErrorRecord(spec, bitsPerWeight, e));
  return metricsToTable([modelMetricRecord(spec, bitsPerWeight, metrics), ...hooks], run);
}

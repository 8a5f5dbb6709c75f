// Profiler timings -> Arrow table: one row per (step, layer, op category) with its duration and bytes.
import {Table} from "apache-arrow";
import {float64Column, int32Column, recordBatch, utf8Column} from "./columns.ts";
import {META, toSchemaMetadata, type RunInfo} from "./metadata.ts";
import {tableSchema} from "./schemas.ts";
import {PROFILE_CATEGORIES, type ProfileReport} from "../engine/profiler.ts";

export interface TimingRecord {
  /** the step: glassbox trace uses the position of the first token of each forward call (a prefill is one step) */
  step: number;
  /** block index, null for work outside the blocks */
  layer: number | null;
  /** one of PROFILE_CATEGORIES */
  category: string;
  durationMs: number;
  /** bytes read or produced; null (the default) when not measured */
  bytes?: number | null;
}

export interface TimingsInfo extends RunInfo {
  /** the clock granularity behind the durations (browsers round to 0.1 ms, or 0.005 ms cross-origin isolated) */
  timerResolutionMs?: number | null;
}

function checkRecord(r: TimingRecord, i: number): void {
  const where = `timing ${i} (step ${r.step}, layer ${r.layer}, ${r.category})`;
  if (!Number.isInteger(r.step) || r.step < 0) throw new Error(`invalid step: ${r.step} in ${where}`);
  if (r.layer !== null && (!Number.isInteger(r.layer) || r.layer < 0)) {
    throw new Error(`invalid layer: ${r.layer} in ${where}`);
  }
  if (!(PROFILE_CATEGORIES as readonly string[]).includes(r.category)) {
    throw new Error(`invalid category: ${r.category} in ${where}`);
  }
  if (!(r.durationMs >= 0) || !Number.isFinite(r.durationMs)) {
    throw new Error(`invalid duration_ms: ${r.durationMs} in ${where}`);
  }
  if (r.bytes != null && !(r.bytes >= 0 && Number.isFinite(r.bytes))) {
    throw new Error(`invalid bytes: ${r.bytes} in ${where}`);
  }
}

export function timingsToTable(records: readonly TimingRecord[], run: TimingsInfo): Table {
  records.forEach(checkRecord);
  const {timerResolutionMs = null} = run;
  const schema = tableSchema(
    "timings",
    toSchemaMetadata("timings", run, {[META.timerResolutionMs]: String(timerResolutionMs)})
  );
  const batch = recordBatch(schema, [
    int32Column(records.map((r) => r.step)),
    int32Column(records.map((r) => r.layer)),
    utf8Column(records.map((r) => r.category)),
    float64Column(records.map((r) => r.durationMs)),
    float64Column(records.map((r) => r.bytes))
  ]);
  return new Table(schema, [batch]);
}

/**
 * One step's profiler report (the profiler reset before the step) -> one row per layer × category, layer null for
 * the work outside the blocks. Zero rows are kept so every step has the same rows. Bytes are what the matrix provider
 * reported (get_w: packed bytes dequantized; matmul: weight bytes the kernels read; other: embedding rows), null for
 * the categories nothing reports bytes for.
 */
export function profileRecords(report: ProfileReport, step: number): TimingRecord[] {
  const rows = (layer: number | null, ms: ProfileReport["outside"], bytes: ProfileReport["bytes"]["outside"]) =>
    PROFILE_CATEGORIES.map((category) => ({step, layer, category, durationMs: ms[category], bytes: bytes[category]}));
  return [
    ...report.byLayer.flatMap((ms, l) => rows(l, ms, report.bytes.byLayer[l]!)),
    ...rows(null, report.outside, report.bytes.outside)
  ];
}

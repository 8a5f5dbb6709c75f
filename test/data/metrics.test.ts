import {describe, expect, it} from "vitest";
import {
  evalMetricsTable,
  META,
  metricsToTable,
  modelMetricRecord,
  readRunInfo,
  tensorMetricRecord,
  type MetricRecord
} from "../../src/data/index.ts";
import {compareLogits} from "../../src/quant/model-metrics.ts";
import {loadDefaultModel} from "../../src/engine/default-model.ts";
import {activationErrors, evaluateQuant} from "../../src/quant/evaluate.ts";
import {tensorMetrics} from "../../src/quant/metrics.ts";
import {SAMPLE_RUN} from "./sample-trace.ts";

const records: MetricRecord[] = [
  {
    tensor: "attn_q",
    layer: 0,
    spec: "q4_0",
    bitsPerWeight: 4.5,
    sqnrDb: 19.8,
    cosine: 0.9948,
    maxAbsError: 0.031,
    normalizedL2: 0.004
  },
  {
    tensor: "ffn_down",
    layer: 1,
    spec: {scheme: "nf4", groupSize: 64},
    bitsPerWeight: 4.5,
    sqnrDb: Infinity,
    extra: {nmse: 0.01}
  },
  {tensor: "logits", spec: "q4_0", bitsPerWeight: 4.5, kld: 0.0021, extra: {top1_agreement: 0.97}}
];

describe("metricsToTable(records, run)", () => {
  const table = metricsToTable(records, SAMPLE_RUN);

  it("metricsToTable(records, run) has the fixed columns, then extra metrics as sorted Float64 columns", () => {
    expect(table.schema.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? "?" : ""}`)).toEqual([
      "tensor: Utf8",
      "layer: Int32?",
      "spec: Utf8",
      "bits_per_weight: Float64",
      "sqnr_db: Float64?",
      "cosine: Float64?",
      "max_abs_error: Float64?",
      "normalized_l2: Float64?",
      "kld: Float64?",
      "nmse: Float64?",
      "top1_agreement: Float64?"
    ]);
  });

  it("metricsToTable(records, run) writes absent metrics as null and an object spec as JSON", () => {
    const rows = table.toArray().map((r) => r.toJSON());
    expect(rows[0]).toEqual({
      tensor: "attn_q",
      layer: 0,
      spec: "q4_0",
      bits_per_weight: 4.5,
      sqnr_db: 19.8,
      cosine: 0.9948,
      max_abs_error: 0.031,
      normalized_l2: 0.004,
      kld: null,
      nmse: null,
      top1_agreement: null
    });
    expect(rows[1]).toMatchObject({
      spec: '{"scheme":"nf4","groupSize":64}',
      sqnr_db: Infinity,
      nmse: 0.01,
      cosine: null
    });
    expect(rows[2]).toMatchObject({tensor: "logits", layer: null, kld: 0.0021, top1_agreement: 0.97});
  });

  it("metricsToTable(records, run) stores the run as metadata", () => {
    expect(table.schema.metadata.get(META.table)).toBe("metrics");
    expect(readRunInfo(table.schema).seed).toBe(1234);
  });

  it("metricsToTable(records, run) rejects an extra metric that is not snake_case or shadows a column", () => {
    const withExtra = (extra: Record<string, number>) => () => metricsToTable([{...records[0]!, extra}], SAMPLE_RUN);
    expect(withExtra({"Top-1": 1})).toThrow("invalid metric name: Top-1");
    expect(withExtra({cosine: 1})).toThrow("invalid metric name: cosine");
  });

  it("metricsToTable(records, run) rejects a record without a tensor or a positive bits per weight", () => {
    expect(() => metricsToTable([{...records[0]!, tensor: ""}], SAMPLE_RUN)).toThrow("invalid tensor: ");
    expect(() => metricsToTable([{...records[0]!, bitsPerWeight: 0}], SAMPLE_RUN)).toThrow(
      "invalid bits_per_weight: 0"
    );
    expect(() => metricsToTable([{...records[0]!, layer: 1.5}], SAMPLE_RUN)).toThrow("invalid layer: 1.5");
  });
});

describe("tensorMetricRecord(tensor, layer, spec, bitsPerWeight, metrics)", () => {
  it("tensorMetricRecord(...) carries src/quant's tensorMetrics into the metric columns", () => {
    const ref = Float32Array.from({length: 64}, (_, i) => 0.1 + 2 * Math.cos(i));
    const approx = ref.map((x) => Math.round(x * 8) / 8);
    const m = tensorMetrics(ref, approx);
    const row = metricsToTable([tensorMetricRecord("ffn_gate", 2, "q4_0", 4.5, m)], SAMPLE_RUN)
      .get(0)!
      .toJSON();
    expect(row).toMatchObject({tensor: "ffn_gate", layer: 2, spec: "q4_0", bits_per_weight: 4.5, kld: null});
    expect([row.sqnr_db, row.cosine, row.max_abs_error, row.normalized_l2]).toEqual([
      m.sqnrDb,
      m.cosine,
      m.maxAbsError,
      m.normalizedL2
    ]);
  });
});

describe("modelMetricRecord(spec, bitsPerWeight, metrics)", () => {
  it("modelMetricRecord(...) writes mean KLD to kld and the other model metrics as extra columns", () => {
    const V = 8;
    const base = Float32Array.from({length: 4 * V}, (_, i) => Math.cos(i));
    const quant = base.map((x, i) => x + 0.05 * Math.sin(3 * i));
    const m = compareLogits(base, quant, V, [-1, 3, 5, 2]);
    const table = metricsToTable([modelMetricRecord("q4_0", 4.5, m)], SAMPLE_RUN);
    const row = table.get(0)!.toJSON();
    expect(row).toMatchObject({tensor: "logits", layer: null, kld: m.kld.mean, tokens: 3, ppl_ratio: m.ppl.ratio});
    expect(row.same_top_pct).toBe(m.sameTopPct);
    expect(table.schema.fields.map((f) => f.name)).toContain("kld_p999");
  });
});

describe("evalMetricsTable(run, spec, bitsPerWeight, metrics, hookErrors)", () => {
  it("evalMetricsTable(...) of a real q4_0 evaluation: the logits row, then a row per hook with its block", () => {
    const {model} = loadDefaultModel();
    const tokens = Array.from({length: 48}, (_, i) => 3 + ((i * 37) % 256));
    const metrics = evaluateQuant(model, tokens, {quant: "q4_0"}, {ctx: 24});
    const hookErrors = activationErrors(model, tokens.slice(0, 8), {quant: "q4_0"});
    const table = evalMetricsTable(
      {model: {name: "built-in default"}, quant: "q4_0"},
      "q4_0",
      4.5,
      metrics,
      hookErrors
    );
    expect(table.numRows).toBe(1 + hookErrors.length);
    const rows = table.toArray().map((r) => r.toJSON());
    expect(rows[0]).toMatchObject({tensor: "logits", layer: null, spec: "q4_0", kld: metrics.kld.mean});
    expect(rows[0]!.kld).toBeGreaterThan(0);
    const q = rows.find((r) => r.tensor === "blocks.2.attn.hook_q")!;
    const e = hookErrors.find((h) => h.hook === "blocks.2.attn.hook_q")!;
    expect([q.layer, q.sqnr_db, q.cosine, q.kld]).toEqual([2, e.sqnrDb, e.cosine, null]);
    expect(rows.find((r) => r.tensor === "hook_embed")!.layer).toBe(null);
  });
});

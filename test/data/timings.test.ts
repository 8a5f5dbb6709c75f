import {describe, expect, it} from "vitest";
import {META, profileRecords, readRunInfo, timingsToTable, type TimingRecord} from "../../src/data/index.ts";
import {Profiler} from "../../src/engine/profiler.ts";
import {SAMPLE_RUN} from "./sample-trace.ts";

const records: TimingRecord[] = [
  {step: 0, layer: 0, category: "get_w", durationMs: 0.75, bytes: 4096},
  {step: 0, layer: 0, category: "matmul", durationMs: 1.25, bytes: 1 << 20},
  {step: 0, layer: null, category: "sampling", durationMs: 0.05},
  {step: 1, layer: 1, category: "attention", durationMs: 0.5, bytes: null}
];

describe("timingsToTable(records, run)", () => {
  const table = timingsToTable(records, {...SAMPLE_RUN, timerResolutionMs: 0.1});

  it("timingsToTable(records, run) has columns step, layer, category, duration_ms, bytes with their types", () => {
    expect(table.schema.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? "?" : ""}`)).toEqual([
      "step: Int32",
      "layer: Int32?",
      "category: Utf8",
      "duration_ms: Float64",
      "bytes: Float64?"
    ]);
  });

  it("timingsToTable(records, run) keeps each record as a row, nulls where layer or bytes are absent", () => {
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      {step: 0, layer: 0, category: "get_w", duration_ms: 0.75, bytes: 4096},
      {step: 0, layer: 0, category: "matmul", duration_ms: 1.25, bytes: 1048576},
      {step: 0, layer: null, category: "sampling", duration_ms: 0.05, bytes: null},
      {step: 1, layer: 1, category: "attention", duration_ms: 0.5, bytes: null}
    ]);
  });

  it("timingsToTable(records, run) stores the run and the timer resolution as metadata", () => {
    expect(table.schema.metadata.get(META.table)).toBe("timings");
    expect(table.schema.metadata.get(META.timerResolutionMs)).toBe("0.1");
    expect(readRunInfo(table.schema).quant).toEqual(SAMPLE_RUN.quant);
  });

  it("timingsToTable([], run) is an empty table with the full schema", () => {
    const empty = timingsToTable([], SAMPLE_RUN);
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields).toHaveLength(5);
    expect(empty.schema.metadata.get(META.timerResolutionMs)).toBe("null");
  });

  it("timingsToTable(records, run) rejects an unknown category, a negative duration and a fractional step", () => {
    const bad = (r: Partial<TimingRecord>) => () => timingsToTable([{...records[0]!, ...r}], SAMPLE_RUN);
    expect(bad({category: "softmax"})).toThrow("invalid category: softmax in timing 0 (step 0, layer 0, softmax)");
    expect(bad({durationMs: -1})).toThrow("invalid duration_ms: -1");
    expect(bad({durationMs: NaN})).toThrow("invalid duration_ms: NaN");
    expect(bad({step: 0.5})).toThrow("invalid step: 0.5");
    expect(bad({layer: -1})).toThrow("invalid layer: -1");
    expect(bad({bytes: Infinity})).toThrow("invalid bytes: Infinity");
  });
});

describe("profileRecords(report, step)", () => {
  it("profileRecords(report, step) gives one row per layer × category, then the outside-the-blocks rows", () => {
    const profiler = new Profiler(2);
    profiler.add("get_w", 1, 0.5);
    profiler.add("matmul", 0, 1.25);
    profiler.add("sampling", -1, 0.25);
    const rows = profileRecords(profiler.report(), 7);
    expect(rows).toHaveLength(3 * 8);
    expect(rows.filter((r) => r.durationMs > 0)).toEqual([
      {step: 7, layer: 0, category: "matmul", durationMs: 1.25, bytes: null},
      {step: 7, layer: 1, category: "get_w", durationMs: 0.5, bytes: null},
      {step: 7, layer: null, category: "sampling", durationMs: 0.25, bytes: null}
    ]);
    expect(timingsToTable(rows, SAMPLE_RUN).numRows).toBe(24);
  });
});

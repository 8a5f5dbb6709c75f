import {describe, expect, it} from "vitest";
import {META, profileRecords, readRunInfo, timingsToTable, type TimingRecord} from "../../src/data/index.ts";
import {byteTokenizer, seededCheckpoint} from "../../src/engine/default-model.ts";
import {forward} from "../../src/engine/forward.ts";
import {loadModelFromBytes} from "../../src/engine/load.ts";
import {setProfiler} from "../../src/engine/transformer.ts";
import {setQuant} from "../../src/quant/provider.ts";
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

  it("profileRecords(report, step) carries the bytes providers reported, null where none were", () => {
    const profiler = new Profiler(2);
    profiler.addBytes("get_w", 1, 4096);
    profiler.addBytes("matmul", 1, 1000);
    profiler.addBytes("matmul", -1, 24);
    const rows = profileRecords(profiler.report(), 0);
    const at = (layer: number | null, category: string) =>
      rows.find((r) => r.layer === layer && r.category === category)!.bytes;
    expect([at(1, "get_w"), at(1, "matmul"), at(null, "matmul"), at(0, "get_w")]).toEqual([4096, 1000, 24, 0]);
    expect(at(0, "attention")).toBeNull(); // nothing reports attention bytes: unknown, not 0
  });

  it("a profiled dequant decode step fills bytes: get_w + other = bytes dequantized, matmul + other = bytes read", () => {
    const {model} = loadModelFromBytes(seededCheckpoint(), byteTokenizer());
    const provider = setQuant(model, {quant: "q4_0", weights: "dequant"});
    const profiler = setProfiler(model, true)!;
    forward(model, 1, 0);
    const rows = profileRecords(profiler.report(), 0);
    const sum = (category: string) =>
      rows.filter((r) => r.category === category).reduce((s, r) => s + (r.bytes ?? 0), 0);
    const counters = provider.counters();
    // the embedding row is dequantized too, inside embed, which is booked as "other" (time and bytes alike)
    expect(sum("get_w") + sum("other")).toBe(counters.bytesDequantized);
    expect(sum("matmul") + sum("other")).toBe(counters.bytesRead);
    expect(sum("get_w")).toBeGreaterThan(0);
    const table = timingsToTable(rows, SAMPLE_RUN);
    expect(
      table
        .getChild("bytes")!
        .toArray()
        .filter((b: number | null) => b !== null && b > 0).length
    ).toBeGreaterThan(2 * model.config.nLayers);
  });
});

// The independent check: a second Arrow implementation (Polars, Rust arrow2/polars-arrow under nodejs-polars) reads
// the files we write and agrees with apache-arrow on every value and on the column types. Metadata is not exposed by
// nodejs-polars, so it is checked through apache-arrow.
import type {Table} from "apache-arrow";
import {expect, it} from "vitest";
import {
  activationBatches,
  activationsToTable,
  META,
  metricsToTable,
  readArrowBytes,
  readRunInfo,
  timingsToTable,
  toIPC,
  type IpcFormat
} from "../../src/data/index.ts";
import {describeWithPolars} from "./polars.ts";
import {SAMPLE_RUN, sampleTrace} from "./sample-trace.ts";

const FORMATS: IpcFormat[] = ["file", "stream"];

/** Each column as plain JS values: numbers (NaN, ±Infinity kept), strings, null, and number[] for lists. */
function arrowColumns(table: Table): Record<string, unknown[]> {
  return Object.fromEntries(
    table.schema.fields.map((f) => [
      f.name,
      Array.from(table.getChild(f.name)!, (v: any) =>
        v != null && typeof v.toArray === "function" ? Array.from(v.toArray()) : v
      )
    ])
  );
}

const activations = activationsToTable(sampleTrace(), SAMPLE_RUN);
const timings = timingsToTable(
  [
    {step: 0, layer: 0, category: "get_w", durationMs: 0.75, bytes: 4096},
    {step: 0, layer: null, category: "sampling", durationMs: 0.05},
    {step: 1, layer: 1, category: "matmul", durationMs: 1.5, bytes: 2 ** 40}
  ],
  {...SAMPLE_RUN, timerResolutionMs: 0.005}
);
const metrics = metricsToTable(
  [
    {tensor: "attn_q", layer: 0, spec: "q4_0", bitsPerWeight: 4.5, sqnrDb: 19.75, cosine: 0.995, maxAbsError: 0.03},
    {tensor: "logits", spec: "q4_0", bitsPerWeight: 4.5, kld: 0.002, sqnrDb: Infinity, extra: {nmse: NaN}}
  ],
  SAMPLE_RUN
);

const TABLES: [string, Table, Record<string, string>][] = [
  [
    "activations",
    activations,
    {
      hook: "String",
      layer: "Int32",
      position: "Int32",
      token_id: "Int32",
      token: "String",
      head: "Int32",
      values: "List(Float32)"
    }
  ],
  ["timings", timings, {step: "Int32", layer: "Int32", category: "String", duration_ms: "Float64", bytes: "Float64"}],
  [
    "metrics",
    metrics,
    {
      tensor: "String",
      layer: "Int32",
      spec: "String",
      bits_per_weight: "Float64",
      sqnr_db: "Float64",
      cosine: "Float64",
      max_abs_error: "Float64",
      normalized_l2: "Float64",
      kld: "Float64",
      nmse: "Float64"
    }
  ]
];

describeWithPolars("nodejs-polars reads glassbox Arrow files", (pl) => {
  const readPolars = (bytes: Uint8Array, format: IpcFormat) =>
    format === "file" ? pl.readIPC(Buffer.from(bytes)) : pl.readIPCStream(Buffer.from(bytes));

  for (const [kind, table, dtypes] of TABLES) {
    for (const format of FORMATS) {
      it(`pl.read${format === "file" ? "IPC" : "IPCStream"}(${kind}) agrees with apache-arrow on types and values`, () => {
        const bytes = toIPC(table, format);
        const df = readPolars(bytes, format);
        expect(df.columns).toEqual(Object.keys(dtypes));
        const polarsType = {
          String: pl.String,
          Int32: pl.Int32,
          Float64: pl.Float64,
          "List(Float32)": pl.List(pl.Float32)
        };
        for (const [name, dtype] of Object.entries(dtypes)) {
          const got = df.getColumn(name).dtype;
          expect(got.equals(polarsType[dtype as keyof typeof polarsType]), `${kind}.${name} is ${got}`).toBe(true);
        }
        // values: bit-exact transport, so exact equality (NaN and ±Infinity included)
        const back = readArrowBytes(bytes, {expect: kind as "activations"});
        const expected = arrowColumns(back);
        for (const name of df.columns) {
          const got = df
            .getColumn(name)
            .toArray()
            .map((v: unknown) => (Array.isArray(v) ? Array.from(v) : v));
          expect(got, `${kind}.${name}`).toEqual(expected[name]);
        }
        expect(df.height).toBe(table.numRows);
      });
    }
  }

  it("pl.readIPC(activations in many record batches) concatenates them in order", () => {
    const bytes = toIPC(activationBatches(sampleTrace(), SAMPLE_RUN, {maxBatchValues: 40}));
    const batches = readArrowBytes(bytes).batches.length;
    expect(batches).toBeGreaterThan(5);
    const df = pl.readIPC(Buffer.from(bytes));
    expect(
      df
        .getColumn("values")
        .toArray()
        .map((v) => Array.from(v as unknown as number[]))
    ).toEqual(arrowColumns(activations).values);
    expect(df.getColumn("hook").toArray()).toEqual(arrowColumns(activations).hook);
  });

  it("a table polars writes back (Utf8View, LargeList, no metadata) still reads as a glassbox activations table", () => {
    const df = pl.readIPC(Buffer.from(toIPC(activations))).filter(pl.col("layer").eq(1));
    const table = readArrowBytes(df.writeIPC(), {expect: "activations"});
    expect(table.numRows).toBe(df.height);
    // recognized by its columns alone: polars drops the schema metadata and writes other physical types
    expect(table.schema.metadata.size).toBe(0);
    expect(String(table.schema.fields.find((f) => f.name === "values")!.type)).toBe("LargeList<Float32>");
    expect(table.getChild("values")!.get(0)!.toArray()).toEqual(
      Float32Array.from(df.getColumn("values").toArray()[0] as unknown as number[])
    );
  });

  it("metadata of the files polars reads carries the run (checked with apache-arrow)", () => {
    for (const [kind, table] of TABLES) {
      for (const format of FORMATS) {
        const back = readArrowBytes(toIPC(table, format));
        expect(back.schema.metadata.get(META.table)).toBe(kind);
        expect(readRunInfo(back.schema)).toMatchObject(SAMPLE_RUN);
      }
    }
    expect(readArrowBytes(toIPC(timings)).schema.metadata.get(META.timerResolutionMs)).toBe("0.005");
    expect(JSON.parse(readArrowBytes(toIPC(activations)).schema.metadata.get(META.hooks)!)).toHaveProperty(
      ["blocks.1.attn.hook_attn_scores", "dims"],
      ["n_heads", "pos", "k_pos"]
    );
  });
});

// glassbox trace on the built-in model: the files it writes are glassbox tables, the cached activations equal a
// plain run's, Polars reads them, and bad options fail before anything is written.
import {existsSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {traceCommand} from "../../src/cli/commands/trace.ts";
import {MODEL_OPTIONS, parseArgs} from "../../src/cli/options.ts";
import {META, readArrowBytes, readRunInfo} from "../../src/data/index.ts";
import {DEFAULT_CONFIG, loadDefaultModel} from "../../src/engine/default-model.ts";
import {generate} from "../../src/engine/generate.ts";
import {hookNames} from "../../src/engine/hooks/names.ts";
import {PROFILE_CATEGORIES} from "../../src/engine/profiler.ts";
import {expectClose, maxAbsDiff} from "../helpers/expect-close.ts";
import {describeWithPolars} from "./polars.ts";

/** the cache is one prefill of all positions, the plain run prefills the prompt then decodes: KV-cache parity */
const LOGITS_ATOL = 1e-5;
/**
 * a sanity bound only, as a fraction of the logits' range (max − min) so it holds for any built-in model: 4-bit
 * weights move the trained default's logits by up to ~0.7 over a range of ~10 (src/quant tests bound the error itself)
 */
const Q4_LOGITS_RANGE_FRACTION = 0.2;
const TOKENS = [1, 35, 75, 104, 111]; // BOS, " ", "H", "e", "l" in the built-in byte tokenizer
const STEPS = 8; // 5 prompt positions in one prefill, then 3 greedy decode steps

const dir = mkdtempSync(join(tmpdir(), "glassbox-trace-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

async function trace(args: string[]): Promise<{out: string; err: string}> {
  let out = "";
  let err = "";
  const io = {out: (t: string) => void (out += t), err: (t: string) => void (err += t)};
  await traceCommand.run(parseArgs(args, [...MODEL_OPTIONS, ...traceCommand.options]), io);
  return {out, err};
}

const base = ["--tokens", TOKENS.join(","), "--steps", String(STEPS), "--temperature", "0"];
const activationsPath = join(dir, "a.arrow");
const timingsPath = join(dir, "t.arrow");
const done = trace([...base, "--activations", activationsPath, "--timings", timingsPath]);

describe("glassbox trace --activations FILE --timings FILE", () => {
  it("trace --activations a.arrow --timings t.arrow reports both files", async () => {
    const {out} = await done;
    expect(out).toMatch(/^wrote .*a\.arrow: activations, \d+ rows, [\d.]+ MB \(Arrow IPC file\)$/m);
    expect(out).toMatch(/^wrote .*t\.arrow: timings, \d+ rows/m);
  });

  it("trace --activations writes every hook at every position, with the run in the metadata", async () => {
    await done;
    const table = readArrowBytes(readFileSync(activationsPath), {expect: "activations"});
    const {model} = loadDefaultModel();
    const hooks = table.getChild("hook")!.toArray() as string[];
    expect([...new Set(hooks)].sort()).toEqual([...hookNames(model.config.nLayers)].sort());
    const positions = new Set(table.toArray().map((r) => `${r.hook}@${r.position}`));
    expect(positions.size).toBe(hookNames(model.config.nLayers).length * STEPS);
    const run = readRunInfo(table.schema);
    expect(run.model.name).toBe("built-in default");
    const {dim, nLayers, nHeads, nKvHeads} = DEFAULT_CONFIG;
    expect(run.model.config).toMatchObject({dim, nLayers, nHeads, nKvHeads});
    expect([run.quant, run.seed]).toEqual([null, null]); // fp32, greedy
    expect(table.getChild("token_id")!.get(0)).toBe(1);
    expect(table.toArray().find((r) => r.position === 2)!.token).toBe("H");
  });

  it("trace --activations: unembed.hook_out rows equal the logits of a plain run without hooks", async () => {
    await done;
    const table = readArrowBytes(readFileSync(activationsPath));
    const logitsRows = table.toArray().filter((r) => r.hook === "unembed.hook_out");
    const {model} = loadDefaultModel();
    const plain: Float32Array[] = [];
    const sampler = {temperature: 0};
    for await (const step of generate(model, {tokens: TOKENS, steps: STEPS, sampler})) plain.push(step.logits.slice());
    expect(logitsRows.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const r of logitsRows) {
      expectClose(r.values.toArray(), plain[r.position]!, {atol: LOGITS_ATOL}, `logits at ${r.position}`);
    }
  });

  it("trace --timings writes a row per step, layer and category, with the timer resolution", async () => {
    await done;
    const table = readArrowBytes(readFileSync(timingsPath), {expect: "timings"});
    const rows = table.toArray().map((r) => r.toJSON());
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(PROFILE_CATEGORIES));
    expect(new Set(rows.map((r) => r.layer))).toEqual(new Set([0, 1, 2, 3, null]));
    // the prompt is one prefill booked at step 0; each decode step has its own rows
    expect([...new Set(rows.map((r) => r.step))]).toEqual([0, 4, 5, 6, 7]);
    expect(rows.every((r) => r.duration_ms >= 0)).toBe(true);
    expect(rows.filter((r) => r.category === "matmul").some((r) => r.duration_ms > 0)).toBe(true);
    // fp32: every block's matmul rows read its weights, get_w dequantizes 0 bytes, attention bytes are not measured
    const {dim: D, hiddenDim: H, kvDim: KV} = DEFAULT_CONFIG;
    const blockBytes = 4 * (2 * D * D + 2 * KV * D + 3 * H * D);
    const decodeMatmul = rows.filter((r) => r.step === 5 && r.category === "matmul" && r.layer !== null);
    expect(decodeMatmul.map((r) => r.bytes)).toEqual([blockBytes, blockBytes, blockBytes, blockBytes]);
    expect(rows.filter((r) => r.category === "get_w").every((r) => r.bytes === 0)).toBe(true);
    expect(rows.filter((r) => r.category === "attention").every((r) => r.bytes === null)).toBe(true);
    expect(Number(table.schema.metadata.get(META.timerResolutionMs))).toBeGreaterThan(0);
  });
});

describe("glassbox trace --hooks LIST --layers LIST --format stream", () => {
  it("trace --hooks attn.hook_pattern --layers 1 captures that hook of that block, one row per head", async () => {
    const path = join(dir, "pattern.arrows");
    await trace([
      ...base,
      "--hooks",
      "attn.hook_pattern",
      "--layers",
      "1",
      "--format",
      "stream",
      "--activations",
      path
    ]);
    const table = readArrowBytes(readFileSync(path), {expect: "activations"});
    const rows = table.toArray();
    expect(new Set(rows.map((r) => r.hook))).toEqual(new Set(["blocks.1.attn.hook_pattern"]));
    expect(rows).toHaveLength(STEPS * 4);
    const last = rows.filter((r) => r.position === STEPS - 1);
    expect(last.map((r) => r.head)).toEqual([0, 1, 2, 3]);
    // a softmax over the keys seen so far: STEPS values summing to 1
    for (const r of last)
      expectClose(
        [...r.values.toArray()].reduce((a, b) => a + b, 0),
        1,
        {atol: 1e-5},
        "pattern sum"
      );
    expect(last[0]!.values.length).toBe(STEPS);
  });
});

describe("glassbox trace --json", () => {
  it("trace --json prints one JSON object with what it wrote", async () => {
    const path = join(dir, "json-t.arrow");
    const {out} = await trace([...base, "--json", "--timings", path]);
    const report = JSON.parse(out);
    expect(report).toMatchObject({positions: STEPS, format: "file", written: {timings: {path}}});
    expect(report.written.timings.rows).toBe(readArrowBytes(readFileSync(path)).numRows);
  });
});

describe("glassbox trace --quant SPEC", () => {
  it("trace --quant q4_0 runs the quantized model and records the spec in the metadata", async () => {
    const path = join(dir, "q4.arrow");
    await trace([...base, "--quant", "q4_0", "--hooks", "unembed.hook_out", "--activations", path]);
    const quantized = readArrowBytes(readFileSync(path));
    expect(readRunInfo(quantized.schema).quant).toEqual({quant: "q4_0", weights: "cached", act: "fp32"});
    await done;
    const fp32 = readArrowBytes(readFileSync(activationsPath))
      .toArray()
      .filter((r) => r.hook === "unembed.hook_out");
    const a = quantized.get(0)!.values.toArray() as Float32Array;
    const b = fp32[0]!.values.toArray() as Float32Array;
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0); // the q4_0 provider was used
    const range = Math.max(...b) - Math.min(...b);
    expectClose(a, b, {atol: Q4_LOGITS_RANGE_FRACTION * range}, "q4_0 logits stay near fp32");
  });
});

describe("glassbox trace with bad options", () => {
  const refuses = async (args: string[], message: string | RegExp, path?: string) => {
    await expect(trace(args)).rejects.toThrow(message);
    if (path) expect(existsSync(path)).toBe(false);
  };

  it("trace without --activations or --timings says what to give", async () => {
    await refuses(base, "invalid trace: nothing to write (give --activations FILE and/or --timings FILE)");
  });

  it("trace --hooks with an unknown hook names it", async () => {
    const path = join(dir, "x.arrow");
    await refuses(
      [...base, "--hooks", "attn.hook_qq", "--activations", path],
      "invalid hook: attn.hook_qq (glassbox trace flags: --hooks, --layers, --steps, --max-cache-mb)",
      path
    );
  });

  it("trace --layers beyond the model names its layer range", async () => {
    const path = join(dir, "x.arrow");
    await refuses(
      [...base, "--layers", "9", "--activations", path],
      "invalid layers: 9 (the model has 4 layers: 0..3)",
      path
    );
  });

  it("trace --max-cache-mb refuses a capture over the limit before copying anything", async () => {
    const path = join(dir, "big.arrow");
    await refuses(
      ["--prompt", "Once upon a time", "--steps", "256", "--max-cache-mb", "1", "--activations", path],
      /activation cache needs [\d.]+ MiB, over the budget of 1\.0 MiB; .* \(glassbox trace flags: --hooks/,
      path
    );
  });

  it("trace --format parquet is refused", async () => {
    await refuses([...base, "--format", "parquet", "--timings", join(dir, "t2.arrow")], "invalid format: parquet");
  });
});

describeWithPolars("nodejs-polars reads glassbox trace output", (pl) => {
  it("pl.readIPC(trace --activations file) has the activation columns and every row", async () => {
    await done;
    const df = pl.readIPC(readFileSync(activationsPath));
    const table = readArrowBytes(readFileSync(activationsPath));
    expect(df.height).toBe(table.numRows);
    expect(String(df.getColumn("values").dtype)).toBe("DataType(List(DataType(Float32)))");
    const logits = df.filter(pl.col("hook").eq(pl.lit("unembed.hook_out"))).sort("position");
    expect(logits.getColumn("position").toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("pl.readIPC(trace --timings file) sums to the same total as apache-arrow", async () => {
    await done;
    const df = pl.readIPC(readFileSync(timingsPath));
    const table = readArrowBytes(readFileSync(timingsPath));
    const total = (table.getChild("duration_ms")!.toArray() as Float64Array).reduce((a, b) => a + b, 0);
    expectClose(df.getColumn("duration_ms").sum() as number, total, {rtol: 1e-12}, "total ms");
  });
});

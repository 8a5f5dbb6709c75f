import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, expect, it} from "vitest";
import {main} from "../../src/cli/main.ts";
import {readArrowBytes, readRunInfo} from "../../src/data/index.ts";
import {describeWithFixtures, fixturePath, readFixture} from "../helpers/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "glassbox-quant-cli-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

async function cli(...argv: string[]): Promise<{code: number; out: string; err: string}> {
  let out = "";
  let err = "";
  const code = await main(argv, {out: (t) => void (out += t), err: (t) => void (err += t)});
  return {code, out, err};
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describeWithFixtures("ggml", "glassbox quantize", () => {
  for (const f of ["q8_0", "q4_0", "q4_1", "q5_0", "q5_1"]) {
    it(`glassbox quantize --format ${f} --in cosine-4096.input.f32 --out --dequant reproduces ggml's bytes`, async () => {
      const out = join(dir, `${f}.blocks`);
      const dq = join(dir, `${f}.f32`);
      const r = await cli(
        "quantize",
        "--format",
        f,
        "--in",
        fixturePath("ggml", "cosine-4096.input.f32"),
        "--out",
        out,
        "--dequant",
        dq
      );
      expect(r.code, r.err).toBe(0);
      expect(sameBytes(new Uint8Array(readFileSync(out)), readFixture("ggml", `cosine-4096.${f}.blocks`))).toBe(true);
      expect(sameBytes(new Uint8Array(readFileSync(dq)), readFixture("ggml", `cosine-4096.${f}.dequant.f32`))).toBe(
        true
      );
      expect(r.out).toContain(`${f}: 1 × 4096 values`);
    });
  }
  it("glassbox quantize --row 172 writes the blocks then the float32 tails and says so (--json)", async () => {
    const input = join(dir, "x.f32");
    const x = Float32Array.from({length: 2 * 172}, (_, i) => Math.sin(i));
    writeFileSync(input, new Uint8Array(x.buffer));
    const out = join(dir, "x.blocks");
    const r = await cli("quantize", "--format", "q8_0", "--in", input, "--row", "172", "--out", out, "--json");
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out);
    expect([s.rows, s.cols, s.tailValuesPerRow, s.bytes]).toEqual([2, 172, 12, 2 * 5 * 34 + 2 * 12 * 4]);
    expect(s.note).toContain("the last 12 kept in float32");
    const bytes = readFileSync(out);
    const tails = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 2 * 5 * 34, bytes.byteOffset + bytes.byteLength)
    );
    expect(Array.from(tails)).toEqual([...x.subarray(160, 172), ...x.subarray(332, 344)]);
  });
  it("glassbox quantize rejects bad input with invalid <name>: <value>", async () => {
    const odd = join(dir, "odd.f32");
    writeFileSync(odd, new Uint8Array(6));
    const nan = join(dir, "nan.f32");
    writeFileSync(nan, new Uint8Array(Float32Array.of(1, NaN).buffer));
    const input = fixturePath("ggml", "edge-256.input.f32");
    const cases: [string[], string][] = [
      [["--format", "q4_9", "--in", input, "--out", join(dir, "o")], "invalid quant format: q4_9"],
      [["--format", "q4_0", "--in", input], "invalid out: missing"],
      [["--format", "q4_0", "--in", join(dir, "none.f32"), "--out", join(dir, "o")], "no such file"],
      [["--format", "q4_0", "--in", odd, "--out", join(dir, "o")], "has 6 bytes"],
      [["--format", "q4_0", "--in", nan, "--out", join(dir, "o")], "value 1 of"],
      [["--format", "q4_0", "--in", input, "--row", "100", "--out", join(dir, "o")], "invalid row: 100"],
      [["--format", "q4_0", "--in", input, "--row", "0", "--out", join(dir, "o")], "invalid row: 0"],
      [["--format", "q4_0", "--in", input, "--out", join(dir, "o"), "--fast"], "invalid option: --fast"]
    ];
    for (const [argv, message] of cases) {
      const r = await cli("quantize", ...argv);
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.err).toContain(message);
    }
  });
});

describeWithFixtures("llama2c", "glassbox eval", () => {
  const model = [
    "--model",
    fixturePath("llama2c", "stories260K.bin"),
    "--tokenizer",
    fixturePath("llama2c", "tok512.bin")
  ];
  const text = join(dir, "story.txt");
  writeFileSync(text, "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.");
  it("glassbox eval --text FILE --quant q4_0 --json prints the model-level metrics against fp32", async () => {
    const r = await cli("eval", ...model, "--text", text, "--quant", "q4_0", "--weights", "fused", "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect([j.quant, j.weights, j.act]).toEqual(["q4_0", "fused", "fp32"]);
    expect(j.metrics.kld.mean).toBeGreaterThan(0);
    expect(j.metrics.ppl.ratio).toBeGreaterThan(0);
  });
  it("glassbox eval --metrics m.arrow --activations writes the model row and one row per hook as an Arrow table", async () => {
    const path = join(dir, "m.arrow");
    const args = ["--text", text, "--quant", "q4_0", "--activations", "--metrics", path, "--json"];
    const r = await cli("eval", ...model, ...args);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    const table = readArrowBytes(readFileSync(path), {expect: "metrics"});
    expect(j.written).toMatchObject({path, rows: table.numRows});
    expect(table.numRows).toBe(1 + j.activations.length);
    const rows = table.toArray().map((row) => row.toJSON());
    expect(rows[0]).toMatchObject({tensor: "logits", spec: "q4_0", layer: null});
    expect(rows[0].kld).toBeCloseTo(j.metrics.kld.mean, 12);
    expect(rows[0].bits_per_weight).toBeGreaterThan(4.5); // q4_0 blocks, the float32 tails of 172-long rows included
    expect(rows.slice(1).map((row) => row.tensor)).toEqual(j.activations.map((h: {hook: string}) => h.hook));
    expect(readRunInfo(table.schema).quant).toEqual({quant: "q4_0", weights: "cached", act: "fp32"});
  });

  it("glassbox eval prints KLD, same top-1, Δp and PPL lines, and the sensitivity ranking", async () => {
    const r = await cli("eval", ...model, "--text", text, "--quant", "q8_0", "--sensitivity", "layer");
    expect(r.code, r.err).toBe(0);
    for (const s of ["mean KLD", "same top-1", "Δp correct", "PPL", "sensitivity (layer"]) expect(r.out).toContain(s);
  });
  it("glassbox eval rejects a bad spec, mode, act or a missing --quant", async () => {
    for (const [flags, message] of [
      [["--quant", "q4_9"], "invalid quant format: q4_9"],
      [["--quant", "q4_0", "--weights", "slow"], "invalid weights: slow"],
      [["--quant", "q4_0", "--act", "q4_0"], "invalid act: q4_0"],
      [["--quant", "q4_0", "--sensitivity", "head"], "invalid sensitivity: head"],
      [[], "invalid quant: missing"]
    ] as [string[], string][]) {
      const r = await cli("eval", ...model, "--text", text, ...flags);
      expect(r.code).toBe(1);
      expect(r.err).toContain(message);
    }
  });
});

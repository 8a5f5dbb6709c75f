// glassbox quantize --format <K-quant | iq4_nl> against ggml's shared vectors (issue 17): the bytes written to --out and
// --dequant are ggml's, through the command line exactly as a user runs it; rows the super-block does not divide are
// simulated and say so, there and in the commands that run the model with --quant.
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {describeWithFixtures, fixturePath, readFixture} from "../helpers/fixtures.ts";
import {firstDifference} from "../helpers/bytes.ts";
import {glassboxInProcess as glassbox} from "./helpers.ts";

const CASES = ["gaussian-4096", "cosine-4096", "edge-256"];
/** the format as typed (upper case is accepted) and the fixtures' type name */
const FORMATS: [string, string][] = [
  ["q2_k", "q2_K"],
  ["Q3_K", "q3_K"],
  ["q4_k", "q4_K"],
  ["Q5_K", "q5_K"],
  ["q6_k", "q6_K"],
  ["IQ4_NL", "iq4_nl"]
];

describeWithFixtures("ggml", "glassbox quantize --format <K-quant | iq4_nl> on ggml's vectors", () => {
  const dir = mkdtempSync(join(tmpdir(), "glassbox-kquant-"));
  for (const c of CASES) {
    for (const [format, type] of FORMATS) {
      it(`glassbox quantize --format ${format} --in ${c}.input.f32 writes ggml's blocks and dequantized values`, async () => {
        const out = join(dir, `${c}.${type}.blocks`);
        const dequant = join(dir, `${c}.${type}.dequant.f32`);
        const input = fixturePath("ggml", `${c}.input.f32`);
        const run = await glassbox("quantize", "--format", format, "--in", input, "--out", out, "--dequant", dequant);
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^${format.toLowerCase()}: 1 × \\d+ values`));
        expect(run.stdout).not.toContain("simulated");
        const blocks = new Uint8Array(readFileSync(out));
        expect(firstDifference(blocks, readFixture("ggml", `${c}.${type}.blocks`)), "first differing byte").toBe(-1);
        const y = new Uint8Array(readFileSync(dequant));
        expect(firstDifference(y, readFixture("ggml", `${c}.${type}.dequant.f32`)), "first differing byte").toBe(-1);
      });
    }
  }
  for (const [format, type] of FORMATS.slice(0, 5)) {
    it(`glassbox quantize --format ${format} --row 64 simulates one flat run: ggml's bytes, and the note says so`, async () => {
      const out = join(dir, `row64.${type}.blocks`);
      const input = fixturePath("ggml", "gaussian-4096.input.f32");
      const run = await glassbox("quantize", "--format", format, "--in", input, "--row", "64", "--out", out, "--json");
      expect(run.status, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect([summary.rows, summary.cols, summary.tailValuesPerRow]).toEqual([64, 64, 0]);
      expect(summary.note).toMatch(/^simulated: llama\.cpp would store this tensor as (iq4_nl|q5_0|q5_1|q8_0) \(rows/);
      const blocks = new Uint8Array(readFileSync(out));
      expect(firstDifference(blocks, readFixture("ggml", `gaussian-4096.${type}.blocks`))).toBe(-1);
    });
  }
});

describe("glassbox generate / eval --quant <K-quant> on the built-in model (rows of 64 and 192)", () => {
  const simulated = "note: simulated: llama.cpp would store this tensor as";
  it("glassbox generate --quant q4_k,w2=q6_k notes on stderr what llama.cpp would store, stdout unchanged", async () => {
    const run = await glassbox("generate", "--quant", "q4_k,w2=q6_k", "--steps", "3", "--temperature", "0", "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${simulated} q5_0 (26 of 30 matrices)\n`);
    expect(run.stderr).toContain(`${simulated} q8_0 (4 of 30 matrices)\n`);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });
  it("glassbox eval --quant q2_k notes that llama.cpp would store iq4_nl", async () => {
    const text = join(mkdtempSync(join(tmpdir(), "glassbox-kquant-")), "story.txt");
    writeFileSync(text, "Once upon a time, there was a little girl named Lily. She loved to play outside.");
    const run = await glassbox("eval", "--text", text, "--quant", "q2_k", "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe(`${simulated} iq4_nl (30 of 30 matrices)\n`);
    expect(JSON.parse(run.stdout).quant).toBe("q2_k");
  });
  it("glassbox generate --quant q4_0 and --quant q4_k --weights fp32 print no such note", async () => {
    for (const args of [
      ["--quant", "q4_0"],
      ["--quant", "q4_k", "--weights", "fp32"]
    ]) {
      const run = await glassbox("generate", ...args, "--steps", "2", "--temperature", "0");
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).not.toContain("simulated");
    }
  });
});

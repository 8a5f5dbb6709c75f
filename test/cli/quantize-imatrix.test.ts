// glassbox quantize --format q4_k --imatrix (issue 23) against ggml's quant-with-imatrix-4096 vectors: the blocks of
// quantize_q4_K(src, dst, 8, 512, imatrix) byte for byte, their dequantization bit for bit, the importance-weighted
// error the fixture reports with and without the importance; and the refusals of a bad importance file.
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, fixturePath, readFixture, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";
import {firstDifference} from "../helpers/bytes.ts";
import {glassboxInProcess as glassbox} from "./helpers.ts";

const CASE = "quant-with-imatrix-4096";

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Σ imatrix[col]·(x − x̂)², in double, as the fixture's json reports it */
function weightedSqErr(x: Float32Array, y: Float32Array, qw: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += qw[i % qw.length]! * (x[i]! - y[i]!) ** 2;
  return s;
}

describeWithFixtures("ggml", "glassbox quantize --format q4_k --imatrix on ggml's quant-with-imatrix-4096", () => {
  const dir = mkdtempSync(join(tmpdir(), "glassbox-imatrix-"));
  const input = fixturePath("ggml", `${CASE}.input.f32`);
  const imatrix = fixturePath("ggml", `${CASE}.imatrix.f32`);
  const stats = readFixtureJson("ggml", `${CASE}.json`).formats.q4_K;

  it("writes quantize_q4_K's blocks with that importance byte for byte, and dequantize_row_q4_K's values", async () => {
    const [out, dequant] = [join(dir, "b"), join(dir, "d")];
    const run = await glassbox(
      ...["quantize", "--format", "q4_k", "--in", input, "--row", "512", "--imatrix", imatrix],
      ...["--out", out, "--dequant", dequant]
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^q4_k: 8 × 512 values -> 2304 bytes/);
    const blocks = new Uint8Array(readFileSync(out));
    expect(firstDifference(blocks, readFixture("ggml", `${CASE}.q4_K.blocks`)), "first differing byte").toBe(-1);
    const y = new Uint8Array(readFileSync(dequant));
    expect(firstDifference(y, readFixture("ggml", `${CASE}.q4_K.dequant.f32`)), "first differing byte").toBe(-1);
    // the json's error is printed to 9 significant digits
    const x = readFixtureF32("ggml", `${CASE}.input.f32`);
    const qw = readFixtureF32("ggml", `${CASE}.imatrix.f32`);
    expectClose(weightedSqErr(x, readF32(dequant), qw), stats.weighted_sq_err, {rtol: 1e-6});
  });

  it("without --imatrix the blocks differ and the importance-weighted error is the fixture's higher one", async () => {
    const dequant = join(dir, "plain.f32");
    const run = await glassbox(
      ...["quantize", "--format", "q4_k", "--in", input, "--row", "512"],
      ...["--out", join(dir, "plain.b"), "--dequant", dequant]
    );
    expect(run.status, run.stderr).toBe(0);
    const blocks = new Uint8Array(readFileSync(join(dir, "plain.b")));
    expect(firstDifference(blocks, readFixture("ggml", `${CASE}.q4_K.blocks`))).not.toBe(-1);
    const x = readFixtureF32("ggml", `${CASE}.input.f32`);
    const qw = readFixtureF32("ggml", `${CASE}.imatrix.f32`);
    expectClose(weightedSqErr(x, readF32(dequant), qw), stats.without_imatrix.weighted_sq_err, {rtol: 1e-6});
  });
});

describe("glassbox quantize --imatrix refuses a bad importance file, writing nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "glassbox-imatrix-bad-"));
  const input = join(dir, "x.f32");
  writeFileSync(
    input,
    new Float32Array(512).map((_, i) => Math.sin(i))
  );
  const cases: [string, Uint8Array | null, RegExp][] = [
    ["missing.f32", null, /^glassbox quantize: invalid imatrix: .*missing\.f32 \(no such file\)/],
    [
      "short.f32",
      new Uint8Array(new Float32Array(255).fill(1).buffer),
      /short\.f32: 255 values, expected 256 \(one per column/
    ],
    ["odd.f32", new Uint8Array(1022), /odd\.f32 has 1022 bytes \(expected little-endian float32 values\)/],
    [
      "nan.f32",
      new Uint8Array(new Float32Array(256).fill(1).map((v, i) => (i === 9 ? NaN : v)).buffer),
      /nan\.f32: value 9 = NaN/
    ],
    [
      "inf.f32",
      new Uint8Array(new Float32Array(256).fill(1).map((v, i) => (i === 2 ? Infinity : v)).buffer),
      /value 2 = Infinity/
    ],
    [
      "zeros.f32",
      new Uint8Array(new Float32Array(256).buffer),
      /importance 0 for every value of block 0 \(values 0–255/
    ],
    [
      "neg.f32",
      new Uint8Array(new Float32Array(256).fill(1).map((v, i) => (i === 0 ? -0.5 : v)).buffer),
      /value 0 = -0\.5 \(an importance must be finite and ≥ 0\)/
    ]
  ];
  for (const [name, bytes, message] of cases) {
    it(`--imatrix ${name}`, async () => {
      if (bytes) writeFileSync(join(dir, name), bytes);
      const out = join(dir, `${name}.b`);
      const run = await glassbox(
        "quantize",
        "--format",
        "q4_k",
        "--in",
        input,
        "--row",
        "256",
        "--imatrix",
        join(dir, name),
        "--out",
        out
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(message);
      expect(() => readFileSync(out)).toThrow();
    });
  }
  it("--imatrix with a format that has no weighted quantizer (int4) says which formats have one", async () => {
    writeFileSync(join(dir, "ones.f32"), new Float32Array(256).fill(1));
    const run = await glassbox(
      ...["quantize", "--format", "int4", "--in", input, "--row", "256", "--imatrix", join(dir, "ones.f32")],
      ...["--out", join(dir, "int4.b")]
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/invalid importance: int4\S* has no importance-weighted quantizer \(ggml's have: q2_k/);
  });
});

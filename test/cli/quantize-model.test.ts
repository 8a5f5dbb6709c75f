// glassbox quantize --model in.gguf --preset P --out out.gguf, as a user runs it, against llama-quantize's own files:
// the written tensors byte for byte and the per-tensor types of each rand-256.<p>.json; the refusals in words.
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {expect, it} from "vitest";
import {loadDefaultModel} from "../../src/engine/default-model.ts";
import {loadGgufModel, prefill} from "../../src/engine/index.ts";
import {bytesSource, ggufBytes} from "../../src/model-files/gguf/index.ts";
import {writeImatrix} from "../../src/quant/imatrix/index.ts";
import {quantizeGguf} from "../../src/quant/presets/index.ts";
import {setQuant} from "../../src/quant/provider.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, fixturePath, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {ggufTensors, presetFixtures, sha256, type PresetFixtureJson} from "../helpers/gguf-fixtures.ts";
import {glassboxInProcess as glassbox} from "./helpers.ts";

/** the engine's GGUF path vs its llama2.c path on the same weights */
const MAX_ERR_PATHS = 1e-4;

describeWithFixtures("gguf", "glassbox quantize --model rand-256.f32.gguf --preset P", () => {
  const dir = mkdtempSync(join(tmpdir(), "glassbox-quantize-model-"));
  const input = fixturePath("gguf", "rand-256.f32.gguf");

  for (const preset of presetFixtures()) {
    it(`--preset ${preset} --out: llama-quantize's tensor bytes and the .json's per-tensor types`, async () => {
      const out = join(dir, `rand-256.${preset}.gguf`);
      const run = await glassbox("quantize", "--model", input, "--preset", preset, "--out", out, "--json");
      expect(run.status, run.stderr).toBe(0);
      const json = readFixtureJson<PresetFixtureJson>("gguf", `rand-256.${preset.toLowerCase()}.json`);
      const summary = JSON.parse(run.stdout);
      expect(summary.tensors.map((t: {name: string; type: string}) => [t.name, t.type])).toEqual(
        json.tensors.map((t) => [t.name, t.type])
      );
      const [written, ours] = await ggufTensors(new Uint8Array(readFileSync(out)));
      expect(written.tensors.map((t) => [t.name, t.type.name, t.shape])).toEqual(
        json.tensors.map((t) => [t.name, t.type, t.ne])
      );
      const [, theirs] = await ggufTensors(readFixture("gguf", `rand-256.${preset.toLowerCase()}.gguf`));
      for (const [name, bytes] of theirs) expect(sha256(ours.get(name)!), name).toBe(sha256(bytes));
      expect(summary.fileBytes).toBe(readFileSync(out).byteLength);
    });
  }

  it("prints the per-tensor table with the reason and the totals in bytes and bits per weight", async () => {
    const run = await glassbox("quantize", "--model", input, "--preset", "q4_k_m");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^tensor +type +shape +bytes +bpw +reason$/m);
    expect(run.stdout).toMatch(/^output\.weight +Q6_K +\[256, 512\] +107520 +6\.56 +rule: output: /m);
    expect(run.stdout).toMatch(/^blk\.1\.ffn_down\.weight +Q6_K .* layer: .*use_more_bits.*\(layer 1 of 2\)$/m);
    expect(run.stdout).toMatch(/^blk\.0\.attn_norm\.weight +F32 .* rule: 1-D: never quantized$/m);
    const json = readFixtureJson<PresetFixtureJson>("gguf", "rand-256.q4_k_m.json");
    const bytes = json.tensors.reduce((n, t) => n + t.bytes, 0);
    const weights = json.tensors.reduce((n, t) => n + t.ne.reduce((a, b) => a * b, 1), 0);
    expect(run.stdout).toContain(
      `total: 21 tensors, ${weights} weights -> ${bytes} bytes of tensor data ` +
        `(${((8 * bytes) / weights).toFixed(4)} bits per weight)`
    );
  });

  it("--quant preset=Q4_K_M,attn_v=q8_0 puts the override on top, reason override, and writes it", async () => {
    const out = join(dir, "override.gguf");
    const run = await glassbox("quantize", "--model", input, "--quant", "preset=Q4_K_M,attn_v=q8_0", "--out", out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^blk\.1\.attn_v\.weight +Q8_0 .* override: q8_0 \(Q4_K_M chose Q6_K/m);
    const [written, ours] = await ggufTensors(new Uint8Array(readFileSync(out)));
    expect(written.tensors.filter((t) => t.type.name === "Q8_0").map((t) => t.name)).toEqual([
      "blk.0.attn_v.weight",
      "blk.1.attn_v.weight"
    ]);
    expect(written.metadata.getU32("general.file_type")).toBe(15);
    const [, theirs] = await ggufTensors(readFixture("gguf", "rand-256.q8_0.gguf"));
    expect(sha256(ours.get("blk.1.attn_v.weight")!)).toBe(sha256(theirs.get("blk.1.attn_v.weight")!));
  });

  const refusals: [string, string[], RegExp][] = [
    ["an unknown preset", ["--preset", "Q4_K_X"], /invalid preset: Q4_K_X \(llama-quantize's names: Q2_K, .*BF16\)/],
    ["no preset", [], /invalid preset: missing/],
    ["--preset and --quant", ["--preset", "Q4_K_M", "--quant", "attn_v=q8_0"], /--quant preset=Q4_K_M,attn_v=q8_0/],
    ["a plain spec", ["--quant", "q4_0"], /invalid quant spec: q4_0 \(a GGUF file is written from a preset/],
    ["--format with --model", ["--preset", "Q8_0", "--format", "q8_0"], /invalid option: --format/]
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const run = await glassbox("quantize", "--model", input, ...args);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
    });
  }

  it("refuses a missing file, a non-GGUF file, and --out naming the input", async () => {
    const missing = await glassbox("quantize", "--model", join(dir, "nope.gguf"), "--preset", "Q8_0");
    expect(missing.stderr).toMatch(/cannot read .*nope\.gguf: no such file/);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "hello, not a model");
    const notGguf = await glassbox("quantize", "--model", text, "--preset", "Q8_0");
    expect(notGguf.stderr).toMatch(/notes\.txt is not a GGUF file, so it is read as a llama2\.c checkpoint/);
    const same = await glassbox("quantize", "--model", input, "--preset", "Q8_0", "--out", input);
    expect(same.stderr).toMatch(/invalid out: .* is also --model/);
    expect([missing.status, notGguf.status, same.status]).toEqual([1, 1, 1]);
  });

  it("Q8_0 on stories260K (rows of 172) stops as llama-quantize stops, and writes nothing", async () => {
    const out = join(dir, "stories.q8_0.gguf");
    const model = fixturePath("gguf", "stories260K.f32.gguf");
    const run = await glassbox("quantize", "--model", model, "--preset", "Q8_0", "--out", out);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/"blk\.0\.ffn_down\.weight": rows of 172 values .*Unsupported tensor size encountered/);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses to requantize a quantized file and leaves no partial file", async () => {
    const out = join(dir, "requant.gguf");
    const model = fixturePath("gguf", "rand-256.q8_0.gguf");
    const run = await glassbox("quantize", "--model", model, "--preset", "Q4_0", "--out", out);
    expect(run.stderr).toMatch(/tensor "output\.weight" is already Q8_0; requantizing to Q6_K is refused/);
    expect([existsSync(out), existsSync(`${out}.partial`)]).toEqual([false, false]);
  });

  it("a llama2.c checkpoint is converted as llama-convert-llama2c-to-ggml converts it, then quantized", async () => {
    const out = join(dir, "stories260K.f16.gguf");
    const model = fixturePath("llama2c", "stories260K.bin");
    const tokenizer = fixturePath("llama2c", "tok512.bin");
    const run = await glassbox("quantize", "--model", model, "--tokenizer", tokenizer, "--preset", "F16", "--out", out);
    expect(run.status, run.stderr).toBe(0);
    const expected = await quantizeGguf(bytesSource(readFixture("gguf", "stories260K.f32.gguf")), "F16");
    expect(sha256(new Uint8Array(readFileSync(out)))).toBe(sha256(ggufBytes(expected.out)));
    const noTokenizer = await glassbox("quantize", "--model", model, "--preset", "F16");
    expect(noTokenizer.stderr).toMatch(/invalid tokenizer: missing \(.*read as a llama2\.c checkpoint/);
  });

  it("no --model: the built-in model, written as a GGUF that runs as the preset simulated on it", async () => {
    const out = join(dir, "builtin.q8_0.gguf");
    const run = await glassbox("quantize", "--preset", "Q8_0", "--out", out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^the built-in model with preset=Q8_0/);
    const {model} = await loadGgufModel(bytesSource(new Uint8Array(readFileSync(out))), {ctx: 16});
    const builtin = loadDefaultModel().model;
    setQuant(builtin, {quant: "preset=Q8_0", weights: "dequant"});
    const tokens = [1, 403, 407, 261, 378];
    // the same Q8_0 weights; the GGUF path and the llama2.c path differ only in float32 rounding (RoPE tables)
    expectClose(prefill(model, tokens), prefill(builtin, tokens), {atol: MAX_ERR_PATHS});
  });

  it("--imatrix F.dat quantizes with llama-imatrix's importance: the same types, other blocks where it has an entry", async () => {
    const entries = [
      {name: "blk.0.attn_q.weight", ncall: 2, values: Float32Array.from({length: 256}, (_, j) => 2 * (1 + (j % 7)))},
      {name: "blk.1.ffn_down.weight", ncall: 1, values: Float32Array.from({length: 768}, (_, j) => 1 + (j % 5))}
    ];
    const dat = join(dir, "rand-256.imatrix.dat");
    writeFileSync(dat, writeImatrix({entries, lastCall: 2, dataset: "story.txt"}));
    const [plain, weighted] = [join(dir, "plain.gguf"), join(dir, "weighted.gguf")];
    expect((await glassbox("quantize", "--model", input, "--preset", "Q4_K_M", "--out", plain)).status).toBe(0);
    const run = await glassbox("quantize", "--model", input, "--preset", "Q4_K_M", "--imatrix", dat, "--out", weighted);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/note: the imatrix has no entry for \d+ quantized tensor\(s\)/);
    const [a, b] = await Promise.all([plain, weighted].map((f) => ggufTensors(new Uint8Array(readFileSync(f)))));
    expect(b[0].tensors.map((t) => t.type.name)).toEqual(a[0].tensors.map((t) => t.type.name));
    for (const [name, bytes] of a[1]) {
      const changed = sha256(bytes) !== sha256(b[1].get(name)!);
      expect(changed, name).toBe(entries.some((e) => e.name === name));
    }
    const wrong = join(dir, "wrong.imatrix.dat");
    writeFileSync(
      wrong,
      writeImatrix({entries: [{...entries[0]!, values: new Float32Array(100)}], lastCall: 1, dataset: ""})
    );
    const refused = await glassbox("quantize", "--model", input, "--preset", "Q4_K_M", "--imatrix", wrong);
    expect(refused.stderr).toMatch(
      /the imatrix entry for "blk\.0\.attn_q\.weight" has 100 values, the tensor's rows 256/
    );
  });
});

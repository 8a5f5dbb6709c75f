// The CLI under careless use (issue 27, items 10-15): input cut to the context is said, never silent; one file is
// never both an input and an output; a closed pipe ends quietly; a bad --model for bench is one clear line; values a
// format cannot store are refused; eval names its real problem and refuses options it does not use.
import {spawn} from "node:child_process";
import {copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG} from "../../src/engine/default-model.ts";
import {glassboxInProcess as glassbox} from "./helpers.ts";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const ROOT = resolve(import.meta.dirname, "../..");
const BUILT_IN = {
  model: join(ROOT, "models/glassbox-stories.bin"),
  tokenizer: join(ROOT, "models/glassbox-stories.tokenizer.bin")
};
const temp = () => mkdtempSync(join(tmpdir(), "glassbox-harden-"));

function f32File(path: string, values: number[]): string {
  writeFileSync(path, new Uint8Array(new Float32Array(values).buffer));
  return path;
}

/** The run failed with exactly one line on stderr matching `message`. */
function expectOneLine(run: Run, message: RegExp): void {
  expect(run.status, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
}

describe("input longer than the context (item 10)", () => {
  const seqLen = DEFAULT_CONFIG.seqLen;
  it("glassbox generate --tokens <more than seq_len> says what is cut, on stderr and in --json", async () => {
    const tokens = Array.from({length: 600}, (_, i) => (i === 0 ? 1 : 35)).join(",");
    const run = await glassbox("generate", "--tokens", tokens, "--temperature", "0", "--json");
    expect(run.status, run.stderr).toBe(0);
    const note = `the input is 600 tokens but only ${seqLen} positions run (the model's context is ${seqLen})`;
    expect(run.stderr).toContain(`note: ${note}`);
    const out = JSON.parse(run.stdout);
    expect(out.positions).toBe(seqLen);
    expect(out.notes).toEqual([expect.stringContaining(note)]);
  });
  it("glassbox generate --prompt <long text> and --steps beyond seq_len say so too; a shorter --steps is the user's choice", async () => {
    const prompt = "Once upon a time there was a little dog. ".repeat(400);
    const long = await glassbox("generate", "--prompt", prompt, "--temperature", "0", "--json");
    expect(long.status, long.stderr).toBe(0);
    expect(long.stderr).toMatch(new RegExp(`^note: the input is \\d+ tokens but only ${seqLen} positions run`));
    const steps = await glassbox("generate", "--prompt", "Once", "--steps", "1000", "--temperature", "0", "--json");
    expect(JSON.parse(steps.stdout).notes).toEqual([
      `--steps 1000 is more than the model's context of ${seqLen}: runs ${seqLen} positions`
    ]);
    const chosen = await glassbox("generate", "--prompt", prompt, "--steps", "8", "--temperature", "0", "--json");
    expect(chosen.stderr).toBe("");
    expect(JSON.parse(chosen.stdout).notes).toEqual([]);
  });
  it("glassbox trace --tokens <more than seq_len> says so", async () => {
    const tokens = Array.from({length: 300}, () => 35).join(",");
    const run = await glassbox("trace", "--tokens", tokens, "--timings", join(temp(), "t.arrow"), "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).notes).toEqual([expect.stringMatching(/^the input is 300 tokens but only/)]);
  });
});

describe("one file as input and output (item 11)", () => {
  it("glassbox quantize refuses --out or --dequant on --in, and --out on --dequant, and leaves the file as it was", async () => {
    const dir = temp();
    const input = f32File(
      join(dir, "x.f32"),
      Array.from({length: 64}, (_, i) => Math.sin(i))
    );
    const before = readFileSync(input);
    symlinkSync(input, join(dir, "link.f32"));
    const cases: [string[], RegExp][] = [
      [
        ["--in", input, "--out", input],
        /^glassbox quantize: invalid out: .*x\.f32 is also --in \(writing it would overwrite/
      ],
      [["--in", input, "--out", join(dir, "link.f32")], /invalid out: .*link\.f32 is also --in/],
      [["--in", input, "--out", join(dir, "q.bin"), "--dequant", input], /invalid dequant: .*x\.f32 is also --in/],
      [
        ["--in", input, "--out", join(dir, "y.f32"), "--dequant", join(dir, "y.f32")],
        /invalid dequant: .*y\.f32 is also --out/
      ]
    ];
    for (const [args, message] of cases)
      expectOneLine(await glassbox("quantize", "--format", "q4_0", ...args), message);
    expect(readFileSync(input)).toEqual(before);
    expect(existsSync(join(dir, "q.bin"))).toBe(false);
  });
  it("glassbox generate --logits on --model, and glassbox trace with both tables on one path, refuse", async () => {
    const dir = temp();
    const model = join(dir, "model.bin");
    copyFileSync(BUILT_IN.model, model);
    const size = statSync(model).size;
    const generate = await glassbox(
      "generate",
      "--model",
      model,
      "--tokenizer",
      BUILT_IN.tokenizer,
      "--tokens",
      "1,35",
      "--logits",
      model
    );
    expectOneLine(generate, /invalid logits: .*model\.bin is also --model/);
    expect(statSync(model).size).toBe(size);
    const table = join(dir, "t.arrow");
    expectOneLine(
      await glassbox("trace", "--tokens", "1,35", "--activations", table, "--timings", table),
      /invalid timings: .*t\.arrow is also --activations/
    );
    expect(existsSync(table)).toBe(false);
  });
});

describe("a closed pipe (item 12)", () => {
  it("glassbox generate | head -c 5: exits 0 with nothing on stderr", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin/glassbox.js"), "generate", "--steps", "256"], {cwd: ROOT});
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });
});

describe("glassbox bench --model (item 13)", () => {
  it("a missing path, a folder or a checkpoint with a NaN weight: one clear line, before anything runs", async () => {
    const dir = temp();
    const nan = join(dir, "nan.bin");
    const bytes = readFileSync(BUILT_IN.model);
    bytes.writeFloatLE(Number.NaN, 28 + 4 * 5); // the 6th value of the token embedding
    writeFileSync(nan, bytes);
    expectOneLine(
      await glassbox("bench", "--model", join(dir, "missing.bin")),
      /cannot read checkpoint .*missing\.bin: no such file; check the path/
    );
    expectOneLine(await glassbox("bench", "--model", dir), /cannot read checkpoint .*: not a file; check the path/);
    expectOneLine(await glassbox("bench", "--model", nan), /weight \w+ \(index 5\) is NaN; the checkpoint is corrupt/);
  });
});

describe("glassbox quantize of values a format cannot store (item 14)", () => {
  it("refuses values whose fp16 scale overflows (q4_0, q8_0, f16), naming the largest, and writes nothing", async () => {
    const dir = temp();
    const input = f32File(join(dir, "big.f32"), [...Array.from({length: 31}, () => 1), 1e7]);
    for (const format of ["q4_0", "q8_0", "f16"]) {
      const out = join(dir, `${format}.bin`);
      expectOneLine(
        await glassbox("quantize", "--format", format, "--in", input, "--out", out),
        new RegExp(
          `invalid in: .*big\\.f32 holds values beyond what ${format} can store \\(largest \\|value\\| 10000000\\)`
        )
      );
      expect(existsSync(out), format).toBe(false);
    }
  });
  it("quantizes the same values with fp32 scales (int8), with a finite SQNR", async () => {
    const dir = temp();
    const input = f32File(join(dir, "big.f32"), [...Array.from({length: 31}, () => 1), 1e7]);
    const run = await glassbox("quantize", "--format", "int8", "--in", input, "--out", join(dir, "q.bin"), "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(run.stdout).sqnrDb)).toBe(true);
  });
});

describe("glassbox eval names the real problem (item 15)", () => {
  it("an empty text is named as such (not `invalid ctx: 1`)", async () => {
    const text = join(temp(), "empty.txt");
    writeFileSync(text, "");
    expectOneLine(
      await glassbox("eval", "--text", text, "--quant", "q4_0"),
      /^glassbox eval: invalid text: .*empty\.txt is empty/
    );
  });
  it("options eval does not use are refused, and not listed in its --help", async () => {
    const text = join(temp(), "t.txt");
    writeFileSync(text, "Once upon a time.");
    for (const args of [
      ["--tokens", "1,2"],
      ["--temperature", "0.5"],
      ["--steps=4"],
      ["--prompt", "x"],
      ["--seed", "3"],
      ["--top-p", "0.5"]
    ]) {
      const name = args[0]!.replace(/=.*/, "");
      expectOneLine(
        await glassbox("eval", "--text", text, "--quant", "q4_0", ...args),
        new RegExp(`^glassbox eval: invalid option: ${name} \\(glassbox eval does not use it; see --help\\)`)
      );
    }
    const help = (await glassbox("eval", "--help")).stdout;
    expect(help).not.toMatch(/--tokens|--temperature|--steps|--prompt|--seed|--top-p/);
    expect(help).toMatch(/--text FILE/);
  });
});

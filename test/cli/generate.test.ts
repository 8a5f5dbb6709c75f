import {mkdtempSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";
import {CASES, LOGITS_ATOL, readCase} from "../engine/helpers.ts";
import {DEFAULT_CONFIG} from "../../src/engine/default-model.ts";
import {glassbox} from "./helpers.ts";

const modelArgs = (json: {checkpoint: string; tokenizer: string}) => [
  "--model",
  fixturePath("llama2c", json.checkpoint),
  "--tokenizer",
  fixturePath("llama2c", json.tokenizer)
];

describeWithFixtures("llama2c", "glassbox generate against llama2.c", () => {
  it("glassbox generate --prompt P --temperature 0 prints run.c's greedy text", () => {
    const {json} = readCase("stories260K-once-upon");
    const run = glassbox(
      "generate",
      ...modelArgs(json),
      "--prompt",
      json.prompt,
      "--steps",
      String(json.steps),
      "--temperature",
      "0"
    );
    expect(run.stderr).toMatch(/^achieved tok\/s: \d+/);
    expect(run.stdout).toBe(json.stdout_text + "\n");
  });

  for (const [flags, backend] of [
    [[], /^wasm-simd128 ×1 thread$/],
    [["--kernels", "ts"], /^plain TS kernels$/],
    [["--kernels", "wasm", "--threads", "2"], /^wasm-simd128 ×2 threads$/]
  ] as const)
    it(`glassbox generate ${flags.join(" ") || "(default kernels)"} --json runs on ${backend.source} with llama2.c's logits`, () => {
      const {json, logits} = readCase(CASES[0]!);
      const file = join(mkdtempSync(join(tmpdir(), "glassbox-")), "logits.f32");
      const args = ["--tokens", json.input_tokens.join(","), "--logits", file, "--json", ...flags];
      const run = glassbox("generate", ...modelArgs(json), ...args);
      expect(run.stderr).toBe("");
      const out = JSON.parse(run.stdout);
      expect(out.kernels).toMatch(backend);
      const bytes = readFileSync(file);
      const rows = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      expectClose(rows, logits.subarray(0, rows.length), {atol: LOGITS_ATOL}, flags.join(" "));
    });

  for (const name of CASES)
    it(`glassbox generate --tokens ... --logits FILE writes every logits row of ${name}`, () => {
      const {json, logits} = readCase(name);
      const file = join(mkdtempSync(join(tmpdir(), "glassbox-")), "logits.f32");
      const run = glassbox(
        "generate",
        ...modelArgs(json),
        "--tokens",
        json.input_tokens.join(","),
        "--logits",
        file,
        "--json"
      );
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(out.positions).toBe(json.steps);
      expect(out.forced).toBe(json.steps);
      const bytes = readFileSync(file);
      const rows = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const V = json.logits_shape[1];
      expect(rows.length).toBe(json.steps * V);
      for (let p = 0; p < json.steps; p++)
        expectClose(
          rows.subarray(p * V, (p + 1) * V),
          logits.subarray(p * V, (p + 1) * V),
          {atol: LOGITS_ATOL},
          `row ${p}`
        );
    });
});

describe("glassbox generate", () => {
  it("glassbox generate --tokens 1,35 --steps 6 --json feeds the tokens, then samples, and reports the time split", () => {
    const run = glassbox("generate", "--tokens", "1,35", "--steps", "6", "--temperature", "0", "--json");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.tokens.slice(0, 2)).toEqual([1, 35]);
    expect(out.tokens).toHaveLength(7);
    expect(out.positions).toBe(6);
    expect(out.tokPerSec).toBeGreaterThan(0);
    expect(Object.keys(out.timeSplitMs)).toEqual([
      "get_w",
      "matmul",
      "attention",
      "norm",
      "rope",
      "activation",
      "sampling",
      "other"
    ]);
    expect(out.timeSplitMs.matmul).toBeGreaterThan(0);
  });

  for (const [prompt, steps] of [
    ["1,35,80", 9],
    ["1,35,80,12", 4]
  ] as const)
    it(`glassbox generate --tokens ${prompt} --steps ${steps} --json counts prefill and decode apart`, () => {
      const given = prompt.split(",").length;
      const run = glassbox("generate", "--tokens", prompt, "--steps", String(steps), "--temperature", "0", "--json");
      expect(run.status).toBe(0);
      const out = JSON.parse(run.stdout);
      // --steps counts positions, the prompt's included; each decode step feeds one new token
      expect(out.positions).toBe(steps);
      expect(out.prefillTokens).toBe(given);
      expect(out.decodeTokens).toBe(steps - given);
      expect(out.tokens).toHaveLength(steps + 1);
      expect(typeof out.prefillTokPerSec).toBe("number");
      expect(typeof out.prefillMs).toBe("number");
      if (steps > given) expect(typeof out.decodeTokPerSec).toBe("number");
      else expect([out.decodeTokPerSec, out.decodeMs]).toEqual([null, 0]);
    });

  const errors: [string[], RegExp][] = [
    [["--bogus", "1"], /invalid option: --bogus/],
    [["--steps", "abc"], /invalid steps: abc/],
    [
      ["--model", fixturePath("llama2c", "stories260K.bin")],
      /invalid tokenizer: missing \(--model needs --tokenizer T/
    ],
    [
      ["--model", "/nonexistent.bin", "--tokenizer", "t.bin"],
      /cannot read model \/nonexistent.bin: no such file or folder/
    ],
    [
      [
        "--model",
        fixturePath("llama2c", "stories260K.bin"),
        "--tokenizer",
        fixturePath("llama2c", "tok512.bin"),
        "--ctx",
        "999"
      ],
      /invalid ctx: 999 \(llama2.c checkpoint .* holds 512 positions, its seq_len\)/
    ],
    [["--kernels", "gpu"], /^glassbox generate: invalid kernels: gpu\n$/],
    [
      ["--tokens", "1,999"],
      new RegExp(`token 999 at index 1 is out of range: the vocabulary has ${DEFAULT_CONFIG.vocabSize} tokens`)
    ]
  ];
  // One spawn per case: a loaded machine can take seconds per CLI start, more than one test's time limit allows.
  it.each(errors)("glassbox generate %j exits 1 with one clear line", (args, message) => {
    const run = glassbox("generate", ...args);
    expect(run.status, args.join(" ")).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});

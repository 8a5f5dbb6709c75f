// The CLI on the files people have: a GGUF (its own tokenizer) and a Hugging Face folder (no tokenizer files here:
// token ids), for generate, eval, trace and inspect, with llama.cpp's logits as the reference.
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {expect, it} from "vitest";
import {expectClose, maxAbsDiff} from "../helpers/expect-close.ts";
import {bytesSource, encodeGguf, readGguf, readTensorBytes} from "../../src/model-files/gguf/index.ts";
import {describeWithFixtures, fixturePath, readFixture, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";
import {glassbox} from "./helpers.ts";

/** float32 engine vs llama.cpp on F32 weights (test/engine/gguf.test.ts measures it) */
const LOGITS_ATOL = 1e-4;

const tmp = () => mkdtempSync(join(tmpdir(), "glassbox-model-files-"));

function reference(folder: string, stem: string) {
  const json = readFixtureJson<{token_ids: number[]; logits_shape: [number, number]}>(folder, `${stem}.json`);
  return {tokens: json.token_ids, logits: readFixtureF32(folder, `${stem}.logits.f32`), V: json.logits_shape[1]};
}

describeWithFixtures("gguf", "glassbox on GGUF files and Hugging Face folders", () => {
  const cases: [string, string, string, string[]][] = [
    ["a GGUF on the wasm kernels", fixturePath("gguf", "rand-256.f32.gguf"), "gguf/rand-256.f32", []],
    ["a GGUF on the TS kernels", fixturePath("gguf", "rand-256.f32.gguf"), "gguf/rand-256.f32", ["--kernels", "ts"]],
    ["a qwen2 GGUF", fixturePath("hf", "rand-256-qwen2.f32.gguf"), "hf/rand-256-qwen2", []],
    ["a Qwen2 folder", fixturePath("hf", "rand-256-qwen2"), "hf/rand-256-qwen2", []],
    ["a Llama BF16 folder", fixturePath("hf", "rand-256-llama-bf16"), "hf/rand-256-llama-bf16", ["--threads", "2"]]
  ];
  for (const [what, model, ref, extra] of cases)
    it(`generate --model (${what}) --tokens … --logits F gives llama.cpp's logits`, () => {
      const [folder, stem] = ref.split("/") as [string, string];
      const {tokens, logits, V} = reference(folder, stem);
      const out = join(tmp(), "logits.f32");
      const run = glassbox("generate", "--model", model, "--tokens", tokens.join(","), "--logits", out, ...extra);
      expect(run.stderr).toMatch(/achieved tok\/s/);
      expect(run.status).toBe(0);
      const bytes = readFileSync(out);
      const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      expect(got.length).toBe(tokens.length * V);
      expectClose(got, logits, {atol: LOGITS_ATOL}, what);
    });

  it("generate --act ggml --logits F on a quantized GGUF gives llama.cpp's logits (before its first rounding flip)", () => {
    const {tokens, logits, V} = reference("gguf", "rand-256.q4_k_m");
    const out = join(tmp(), "logits.f32");
    const model = fixturePath("gguf", "rand-256.q4_k_m.gguf");
    const run = glassbox("generate", "--model", model, "--tokens", tokens.join(","), "--act", "ggml", "--logits", out);
    expect(run.status, run.stderr).toBe(0);
    const bytes = readFileSync(out);
    expectClose(
      new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
      logits,
      {atol: LOGITS_ATOL},
      "q4_k_m"
    );
    expect(V).toBe(512);
    // --kv f16 with --act ggml: llama.cpp's defaults; its logits differ from the F32-cache reference, as the cache does
    const kvOut = join(tmp(), "kv.f32");
    const kv = glassbox(
      "generate",
      "--model",
      model,
      "--tokens",
      tokens.join(","),
      "--act",
      "ggml",
      "--kv",
      "f16",
      "--logits",
      kvOut
    );
    expect(kv.status, kv.stderr).toBe(0);
    const kvBytes = readFileSync(kvOut);
    expect(
      maxAbsDiff(new Float32Array(kvBytes.buffer, kvBytes.byteOffset, kvBytes.byteLength / 4), logits)
    ).toBeGreaterThan(LOGITS_ATOL);
    const builtIn = glassbox("generate", "--act", "ggml", "--tokens", "1,2");
    expect(builtIn.stderr).toMatch(/invalid act: ggml needs a GGUF model/);
  }, 180_000);

  it("generate on a quantized GGUF reports its spec as in the file; --quant on it says it re-quantizes", () => {
    const {tokens} = reference("gguf", "rand-256.q4_k_m");
    const model = fixturePath("gguf", "rand-256.q4_k_m.gguf");
    // the fused kernels on the file's packed blocks under llama.cpp's numerics, reported as what runs
    {
      const json = glassbox(
        "generate",
        "--model",
        model,
        "--tokens",
        tokens.slice(0, 4).join(","),
        "--act",
        "ggml",
        "--weights",
        "fused",
        "--json"
      );
      expect(json.status, json.stderr).toBe(0);
      const spec = `as in the file: 13 × Q4_K, 3 × Q6_K, 5 × F32 fused act ggml`;
      expect(JSON.parse(json.stdout).matrices).toBe(spec);
      expect(json.stderr).toContain(`note: weights ${spec}`);
    }
    // re-quantizing a quantized file is allowed, and says what its reference is
    const both = glassbox("generate", "--model", model, "--act", "ggml", "--quant", "q8_0", "--tokens", "1,2");
    expect(both.status, both.stderr).toBe(0);
    expect(both.stderr).toMatch(
      /q8_0 \(re-quantized from the dequantized file: 13 × Q4_K, 3 × Q6_K, 5 × F32\) cached act ggml/
    );
    expect(both.stderr).toMatch(
      /re-quantizing an already quantized file: the reference for this spec is the dequantized file/
    );
  }, 240_000);

  it("generate --prompt on a GGUF tokenizes with the file's vocabulary: the same greedy text as the llama2.c files", () => {
    const prompt = ["--prompt", "Once upon a time", "--temperature", "0", "--steps", "40"];
    const gguf = glassbox("generate", "--model", fixturePath("gguf", "stories260K.f32.gguf"), ...prompt);
    const bin = glassbox(
      "generate",
      "--model",
      fixturePath("llama2c", "stories260K.bin"),
      "--tokenizer",
      fixturePath("llama2c", "tok512.bin"),
      ...prompt
    );
    expect(gguf.status, gguf.stderr).toBe(0);
    expect(gguf.stdout).toMatch(/^Once upon a time/);
    expect(gguf.stdout).toBe(bin.stdout);
  });

  it("generate --user renders the file's chat template and prints the reply; a file without one is refused", async () => {
    // stories260K with a chat template that writes the message as it is: the reply is the prompt's continuation
    const source = bytesSource(readFixture("gguf", "stories260K.f32.gguf"));
    const gguf = await readGguf(source);
    const tensors = await Promise.all(
      gguf.tensors.map(async (t) => ({
        name: t.name,
        type: t.type.name,
        shape: t.shape,
        data: await readTensorBytes(source, t)
      }))
    );
    const template = "{% for m in messages %}{{ m.content }}{% endfor %}";
    const metadata = [
      ...gguf.metadata.entries,
      {key: "tokenizer.chat_template", type: "string" as const, value: template}
    ];
    const path = join(tmp(), "chat.gguf");
    writeFileSync(path, Buffer.concat(encodeGguf({metadata, tensors})));
    const greedy = ["--temperature", "0", "--steps", "30"];
    const chat = glassbox("generate", "--model", path, "--user", "Once upon a time", ...greedy);
    const plain = glassbox("generate", "--model", path, "--prompt", "Once upon a time", ...greedy);
    expect(chat.status, chat.stderr).toBe(0);
    expect(plain.stdout.startsWith("Once upon a time")).toBe(true);
    expect(chat.stdout).toBe(plain.stdout.slice("Once upon a time".length));
    const none = glassbox("generate", "--model", fixturePath("gguf", "stories260K.f32.gguf"), "--user", "Hi");
    expect(none.stderr).toMatch(
      /invalid user: GGUF llama.* has no chat template \(tokenizer.chat_template\); use --prompt/
    );
  });

  it("eval and trace run on a GGUF; inspect prints the tensor table and a folder's config", () => {
    const dir = tmp();
    writeFileSync(join(dir, "text.txt"), "Once upon a time, there was a little girl named Lily. She liked to play.");
    const model = fixturePath("gguf", "stories260K.f32.gguf");
    const evalRun = glassbox("eval", "--model", model, "--quant", "q8_0", "--text", join(dir, "text.txt"), "--json");
    expect(evalRun.status, evalRun.stderr).toBe(0);
    expect(JSON.parse(evalRun.stdout).metrics.kld.mean).toBeGreaterThan(0);
    const traceRun = glassbox(
      "trace",
      "--model",
      model,
      "--tokens",
      "1,403,407",
      "--activations",
      join(dir, "a.arrow")
    );
    expect(traceRun.status, traceRun.stderr).toBe(0);
    expect(traceRun.stdout).toMatch(/wrote .*a.arrow: activations/);

    const inspect = glassbox("inspect", fixturePath("gguf", "rand-256.q4_k_m.gguf"), "--json");
    expect(inspect.status, inspect.stderr).toBe(0);
    const info = JSON.parse(inspect.stdout);
    expect(info.tensors.find((t: {name: string}) => t.name === "output.weight")).toMatchObject({
      type: "Q6_K",
      shape: [256, 512]
    });
    expect(info.metadata.find((m: {key: string}) => m.key === "tokenizer.ggml.tokens").value).toMatchObject({
      array: "string",
      count: 512
    });
    const folder = glassbox("inspect", fixturePath("hf", "rand-256-qwen2"));
    expect(folder.status, folder.stderr).toBe(0);
    expect(folder.stdout).toMatch(/model\.layers\.0\.self_attn\.k_proj\.bias\s+blk\.0\.attn_k\.bias\s+F32\s+128/);
    const vocab = glassbox("inspect", fixturePath("tokenizers", "ggml-vocab-gpt-2.gguf"));
    expect(vocab.stdout).toMatch(/no tensors: a vocabulary-only file/);
  }, 240_000);

  const refusals: [string[], RegExp][] = [
    [
      ["generate", "--model", fixturePath("hf", "rand-256-qwen2"), "--prompt", "hi"],
      /--prompt needs a tokenizer, and Hugging Face Qwen2ForCausalLM.* has none: give --tokens ids/
    ],
    [
      ["generate", "--model", fixturePath("gguf", "rand-256.f32.gguf"), "--tokenizer", "t.bin"],
      /invalid tokenizer: t.bin given with a GGUF file/
    ],
    [
      ["generate", "--model", fixturePath("tokenizers", "ggml-vocab-gpt-2.gguf"), "--tokens", "1"],
      /key "general.architecture".*is "gpt2".*vocabulary-only file/
    ],
    [
      ["generate", "--model", fixturePath("hf"), "--tokens", "1"],
      /config.json: is missing; is this a Hugging Face model folder/
    ],
    [["inspect", "/nonexistent.gguf"], /cannot read \/nonexistent.gguf: no such file or folder/]
  ];
  for (const [args, message] of refusals)
    it(`${args.slice(0, 3).join(" ")} … is refused with one clear line`, () => {
      const run = glassbox(...args);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    });
});

// The strongest check there is: llama-quantize's own files. Quantizing rand-256.f32.gguf with each preset gives the
// file llama-quantize wrote, byte for byte (metadata, tensor infos, padding and tensor data).
import {expect, it} from "vitest";
import {bytesSource, ggufBytes} from "../../src/model-files/gguf/index.ts";
import {readCheckpoint} from "../../src/engine/checkpoint.ts";
import {llama2cGguf, quantizeGguf} from "../../src/quant/presets/index.ts";
import {readTokenizer} from "../../src/tokenizers/llama2c.ts";
import {describeWithFixtures, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {ggufTensors as tensorsOf, presetFixtures, sha256, type PresetFixtureJson} from "../helpers/gguf-fixtures.ts";

describeWithFixtures("gguf", "quantizeGguf(rand-256.f32.gguf, preset) against llama-quantize's files", () => {
  const input = readFixture("gguf", "rand-256.f32.gguf");

  it("every preset llama-quantize wrote a file for is checked", () => {
    expect(presetFixtures()).toEqual([
      "BF16",
      "F16",
      "IQ4_NL",
      "Q4_0",
      "Q4_1",
      "Q4_K_M",
      "Q5_0",
      "Q5_1",
      "Q6_K",
      "Q8_0"
    ]);
  });

  for (const preset of presetFixtures()) {
    it(`${preset}: the same file, byte for byte, and the .json's per-tensor types`, async () => {
      const q = await quantizeGguf(bytesSource(input, "rand-256.f32.gguf"), preset);
      const json = readFixtureJson<PresetFixtureJson>("gguf", `rand-256.${preset.toLowerCase()}.json`);
      expect(q.plan.map((p) => [p.name, p.type, p.bytes])).toEqual(json.tensors.map((t) => [t.name, t.type, t.bytes]));
      const written = ggufBytes(q.out);
      const [, ours] = await tensorsOf(written);
      const [, theirs] = await tensorsOf(readFixture("gguf", `rand-256.${preset.toLowerCase()}.gguf`));
      for (const [name, bytes] of theirs) expect(sha256(ours.get(name)!), name).toBe(sha256(bytes));
      expect(sha256(written)).toBe(json.sha256);
    });
  }

  it("tied (no output.weight): token_embd takes the output rule; Q8_0 tensors equal rand-256-tied.q8_0's", async () => {
    const [f32, data] = await tensorsOf(input);
    const untied = ggufBytes({
      metadata: f32.metadata.entries,
      tensors: f32.tensors
        .filter((t) => t.name !== "output.weight")
        .map((t) => ({name: t.name, type: t.type.name, shape: t.shape, data: data.get(t.name)!}))
    });
    const q = await quantizeGguf(bytesSource(untied), "Q8_0");
    expect(q.plan.find((p) => p.name === "token_embd.weight")!.rule).toMatch(/output matrix \(tied\)/);
    const [, ours] = await tensorsOf(ggufBytes(q.out));
    const [tied, theirs] = await tensorsOf(readFixture("gguf", "rand-256-tied.q8_0.gguf"));
    expect([...ours.keys()].sort()).toEqual(tied.tensors.map((t) => t.name).sort());
    for (const [name, bytes] of theirs) expect(sha256(ours.get(name)!), name).toBe(sha256(bytes));
    const tiedQ6 = await quantizeGguf(bytesSource(untied), "Q4_0");
    expect(tiedQ6.plan.find((p) => p.name === "token_embd.weight")!.type).toBe("Q6_K");
  });

  it("sets general.file_type and general.quantization_version, keeps the tokenizer", async () => {
    const q = await quantizeGguf(bytesSource(input), "Q4_K_M");
    const [gguf] = await tensorsOf(ggufBytes(q.out));
    expect(gguf.metadata.getU32("general.file_type")).toBe(15);
    expect(gguf.metadata.getU32("general.quantization_version")).toBe(2);
    expect(gguf.metadata.getStringArray("tokenizer.ggml.tokens")).toHaveLength(512);
  });

  it("refuses to requantize a quantized file, as llama-quantize does without --allow-requantize", async () => {
    const q8 = bytesSource(readFixture("gguf", "rand-256.q8_0.gguf"), "rand-256.q8_0.gguf");
    await expect(quantizeGguf(q8, "Q4_0")).rejects.toThrow(
      /rand-256.q8_0.gguf: tensor "output.weight" is already Q8_0; requantizing to Q6_K is refused/
    );
  });

  it("refuses a Q8_0 preset on stories260K (rows of 172), where llama-quantize stops too", async () => {
    await expect(quantizeGguf(bytesSource(readFixture("gguf", "stories260K.f32.gguf")), "Q8_0")).rejects.toThrow(
      /tensor "blk.0.ffn_down.weight": rows of 172 values .*Unsupported tensor size encountered/
    );
  });

  it("llama2cGguf(stories260K.bin, tok512.bin) is llama-convert-llama2c-to-ggml's stories260K.f32.gguf, byte for byte", () => {
    const {config, weights} = readCheckpoint(readFixture("llama2c", "stories260K.bin"));
    const tokenizer = readTokenizer(readFixture("llama2c", "tok512.bin"), config.vocabSize);
    const ours = ggufBytes(llama2cGguf(config, weights, tokenizer));
    expect(sha256(ours)).toBe(sha256(readFixture("gguf", "stories260K.f32.gguf")));
  });
});

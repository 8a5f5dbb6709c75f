import {describe, expect, it} from "vitest";
import {bytesSource, GgufError, readGguf, readLlamaModel, type GgufFile} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";
import {writeGguf, type TestFile, type TestTensor, type TestValue} from "./gguf-writer.ts";

async function openFixture(folder: string, file: string): Promise<GgufFile> {
  const source = await openFileSource(fixturePath(folder, file));
  try {
    return await readGguf(source);
  } finally {
    await source.close();
  }
}

describeWithFixtures("gguf", "readLlamaModel(gguf) on llama.cpp's files", () => {
  it("stories260K: the hyperparameters llama.cpp reads, with its defaults for absent keys", async () => {
    const {params, tensors} = readLlamaModel(await openFixture("gguf", "stories260K.f32.gguf"));
    expect(params).toEqual({
      architecture: "llama",
      dim: 64,
      hiddenDim: 172,
      nLayers: 5,
      nHeads: 8,
      nKvHeads: 4,
      vocabSize: 512,
      headSize: 8,
      contextLength: 128,
      ropeTheta: 10000,
      rmsEps: Math.fround(1e-5),
      tiedOutput: false
    });
    expect(tensors.layers[4]!.ffnDown.shape).toEqual([172, 64]);
    expect(tensors.ropeFreqs).toBeNull();
  });

  it("rand-256-tied: no output.weight, so the classifier is token_embd", async () => {
    const {params, tensors} = readLlamaModel(await openFixture("gguf", "rand-256-tied.q8_0.gguf"));
    expect(params.tiedOutput).toBe(true);
    expect(tensors.output).toBe(tensors.tokenEmbd);
  });

  it("rand-256-rope-llama3: freq_base 500000 and the rope_freqs tensor", async () => {
    const {params, tensors} = readLlamaModel(await openFixture("gguf", "rand-256-rope-llama3.q8_0.gguf"));
    expect(params.ropeTheta).toBe(500000);
    expect(tensors.ropeFreqs?.shape).toEqual([32]);
  });
});

describeWithFixtures("tokenizers", "readLlamaModel(gguf) on a vocabulary-only file", () => {
  it("refuses to run it, naming the architecture and why", async () => {
    const g = await openFixture("tokenizers", "ggml-vocab-gpt-2.gguf");
    expect(() => readLlamaModel(g)).toThrow(
      /key "general.architecture" at byte \d+: is "gpt2"; only "llama".*vocabulary-only/
    );
  });
});

describe("readLlamaModel(gguf): refusals name the key or tensor", () => {
  const D = 32;
  const H = 64;
  const V = 8;
  const u32 = (value: number): TestValue => ({type: "u32", value});
  const baseKv: [string, TestValue][] = [
    ["general.architecture", {type: "string", value: "llama"}],
    ["llama.context_length", u32(16)],
    ["llama.embedding_length", u32(D)],
    ["llama.feed_forward_length", u32(H)],
    ["llama.block_count", u32(1)],
    ["llama.attention.head_count", u32(4)],
    ["llama.attention.head_count_kv", u32(2)],
    ["llama.attention.layer_norm_rms_epsilon", {type: "f32", value: 1e-6}]
  ];
  const f32 = (name: string, shape: number[]): TestTensor => ({
    name,
    type: 0,
    shape,
    size: 4 * shape.reduce((a, b) => a * b)
  });
  const baseTensors = [
    f32("token_embd.weight", [D, V]),
    f32("output_norm.weight", [D]),
    f32("blk.0.attn_norm.weight", [D]),
    f32("blk.0.attn_q.weight", [D, D]),
    f32("blk.0.attn_k.weight", [D, 16]),
    f32("blk.0.attn_v.weight", [D, 16]),
    f32("blk.0.attn_output.weight", [D, D]),
    f32("blk.0.ffn_norm.weight", [D]),
    f32("blk.0.ffn_gate.weight", [D, H]),
    f32("blk.0.ffn_up.weight", [D, H]),
    f32("blk.0.ffn_down.weight", [H, D])
  ];
  const model = async (f: Partial<TestFile>) =>
    readLlamaModel(await readGguf(bytesSource(writeGguf({kv: baseKv, tensors: baseTensors, ...f}), "m.gguf")));
  const withKv = (key: string, v: TestValue) =>
    [...baseKv.filter(([k]) => k !== key), [key, v]] as [string, TestValue][];

  it("a minimal tied model with GQA reads", async () => {
    const {params} = await model({});
    expect(params).toMatchObject({nKvHeads: 2, headSize: 8, tiedOutput: true, ropeTheta: 10000, vocabSize: V});
  });

  it("another architecture, a mixture of experts, RoPE scaling, bad head counts", async () => {
    await expect(model({kv: withKv("general.architecture", {type: "string", value: "gemma"})})).rejects.toThrow(
      /key "general.architecture" at byte \d+: is "gemma"; only "llama" .* and "qwen2"/
    );
    await expect(model({kv: withKv("llama.expert_count", u32(8))})).rejects.toThrow(
      /"llama.expert_count".*mixture-of-experts/
    );
    await expect(model({kv: withKv("llama.rope.scaling.type", {type: "string", value: "yarn"})})).rejects.toThrow(
      /"llama.rope.scaling.type".*"yarn": RoPE scaling/
    );
    await expect(model({kv: withKv("llama.attention.head_count_kv", u32(3))})).rejects.toThrow(
      /3 does not divide the head count 4/
    );
    await expect(model({kv: withKv("llama.rope.dimension_count", u32(4))})).rejects.toThrow(
      /rotates whole heads \(8\)/
    );
    await expect(model({kv: withKv("llama.block_count", {type: "i32", value: 1})})).rejects.toThrow(
      /key "llama.block_count" at byte \d+: has type i32, expected u32/
    );
    await expect(model({kv: baseKv.filter(([k]) => k !== "llama.attention.layer_norm_rms_epsilon")})).rejects.toThrow(
      /key "llama.attention.layer_norm_rms_epsilon": is missing/
    );
  });

  it("a missing tensor, a shape that disagrees with the metadata, a tensor that is not llama's", async () => {
    await expect(model({tensors: baseTensors.filter((t) => t.name !== "blk.0.ffn_up.weight")})).rejects.toThrow(
      /tensor "blk.0.ffn_up.weight": is missing; a llama model needs it/
    );
    const wrong = baseTensors.map((t) => (t.name === "blk.0.attn_k.weight" ? f32(t.name, [D, D]) : t));
    await expect(model({tensors: wrong})).rejects.toThrow(
      /tensor "blk.0.attn_k.weight" at byte \d+: has shape \[32, 32\] but the metadata implies \[32, 16\] \(2 kv heads of 8\)/
    );
    await expect(model({tensors: [...baseTensors, f32("blk.1.attn_norm.weight", [D])]})).rejects.toThrow(
      /tensor "blk.1.attn_norm.weight" at byte \d+: is not part of a llama model with 1 layers/
    );
    const err = await model({tensors: [...baseTensors, f32("blk.1.attn_norm.weight", [D])]}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GgufError);
  });
});

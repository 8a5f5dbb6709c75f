// A GGUF file written then read gives back what went in: every metadata entry, every tensor's type, shape and bytes,
// and the engine's logits bit for bit. And a preset written as a file runs exactly as the preset simulated on the
// float32 model (the file's blocks are the ones the quant provider computes with).
import {expect, it} from "vitest";
import {loadGgufModel, prefill} from "../../src/engine/index.ts";
import {bytesSource, ggufBytes} from "../../src/model-files/gguf/index.ts";
import {quantizeGguf} from "../../src/quant/presets/index.ts";
import {setQuant} from "../../src/quant/provider.ts";
import {describeWithFixtures, readFixture} from "../helpers/fixtures.ts";
import {fixtureLogits, ggufTensors, sha256} from "../helpers/gguf-fixtures.ts";

/** the fixtures' first 8 token ids */
const tokens = [1, 403, 407, 261, 378, 432, 383, 286];

/** llama.cpp's and gguf-py's files in several types, architectures and layouts (tied, rope_freqs, qwen2 biases). */
const FILES: [string, string][] = [
  ["gguf", "rand-256.f32.gguf"],
  ["gguf", "rand-256.q4_k_m.gguf"],
  ["gguf", "rand-256.bf16.gguf"],
  ["gguf", "rand-256-tied.q8_0.gguf"],
  ["gguf", "rand-256-rope-llama3.q8_0.gguf"],
  ["gguf", "stories260K.q8_0.gguf"],
  ["hf", "rand-256-qwen2.f32.gguf"]
];

/** float32 values compared bit for bit (a hash of their bytes: element-wise equality of large arrays is slow) */
const bitsOf = (x: Float32Array) => sha256(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));

async function logitsOf(bytes: Uint8Array): Promise<Float32Array> {
  const {model} = await loadGgufModel(bytesSource(bytes), {ctx: 16});
  return prefill(model, tokens);
}

describeWithFixtures("gguf", "write(read(file)) = file: metadata, tensors and logits", () => {
  for (const [folder, file] of FILES) {
    it(`${file}: rewritten, the same metadata, tensor bytes and logits`, async () => {
      const input = readFixture(folder, file);
      const [gguf, data] = await ggufTensors(input);
      const written = ggufBytes({
        metadata: gguf.metadata.entries,
        tensors: gguf.tensors.map((t) => ({name: t.name, type: t.type.name, shape: t.shape, data: data.get(t.name)!}))
      });
      const [back, backData] = await ggufTensors(written);
      const entry = (e: {key: string; type: string; value: unknown}) => [e.key, e.type, e.value];
      expect(back.metadata.entries.map(entry)).toEqual(gguf.metadata.entries.map(entry));
      expect(back.tensors.map((t) => [t.name, t.type.name, t.shape])).toEqual(
        gguf.tensors.map((t) => [t.name, t.type.name, t.shape])
      );
      for (const [name, bytes] of data) expect(sha256(backData.get(name)!), name).toBe(sha256(bytes));
      expect(bitsOf(await logitsOf(written))).toBe(bitsOf(await logitsOf(input)));
    });
  }

  it("rand-256.f32 quantized with preset=Q4_K_M,attn_v=q8_0 and written runs exactly as the preset simulated", async () => {
    const input = readFixture("gguf", "rand-256.f32.gguf");
    const spec = "preset=Q4_K_M,attn_v=q8_0";
    const q = await quantizeGguf(bytesSource(input), spec);
    const fromFile = await logitsOf(ggufBytes(q.out));
    const {model} = await loadGgufModel(bytesSource(input), {ctx: 16});
    setQuant(model, {quant: spec, weights: "dequant"});
    expect(bitsOf(fromFile)).toBe(bitsOf(prefill(model, tokens)));
    // and it is not the float32 model's: the file did change the weights
    const {logits, V} = fixtureLogits("rand-256.f32");
    expect(fromFile.subarray(0, V)).not.toEqual(logits.subarray(0, V));
  });
});

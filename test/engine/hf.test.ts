// The engine on Hugging Face folders (../shared/fixtures/hf: LlamaForCausalLM F32 and BF16, Qwen2ForCausalLM with
// q/k/v biases, θ 1e6, eps 1e-6) and on the qwen2 GGUF of the same weights, against the logits llama.cpp computes.
// Within MAX_ERR at every position, and the two routes (folder, GGUF) within MAX_ROUTE_DIFF of each other. The
// README's wrong-loader mistakes (interleaved RoPE on these weights, biases ignored, θ or eps wrong) give 0.013-3.3.
import {describe, expect, it} from "vitest";
import {forward, loadGgufModel, loadHfModel, prefill, type Transformer} from "../../src/engine/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {openDirectory} from "../../src/model-files/hf/folder.node.ts";
import {expectClose, maxAbsDiff} from "../helpers/expect-close.ts";
import {describeWithFixtures, fixturePath, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";
import {createArena} from "../../src/kernels/arena.ts";
import {createWasmKernels} from "../../src/kernels/wasm-kernels.ts";

/** float32 engine vs llama.cpp: summation order only (the README's float32 NumPy pass: 2.6e-6 to 4.1e-6) */
const MAX_ERR = 1e-4;
/** the same weights through the folder and through the GGUF: the same arithmetic */
const MAX_ROUTE_DIFF = 1e-5;

async function openHfFixture(folder: string, options: Parameters<typeof loadHfModel>[1] = {}) {
  const dir = await openDirectory(fixturePath("hf", folder));
  try {
    return await loadHfModel(dir, options);
  } finally {
    await dir.close();
  }
}

async function openGguf(path: string) {
  const source = await openFileSource(fixturePath(path));
  try {
    return await loadGgufModel(source);
  } finally {
    await source.close();
  }
}

function reference(stem: string): {tokens: number[]; logits: Float32Array; V: number} {
  const json = readFixtureJson<{token_ids: number[]; logits_shape: [number, number]}>("hf", `${stem}.json`);
  return {tokens: json.token_ids, logits: readFixtureF32("hf", `${stem}.logits.f32`), V: json.logits_shape[1]};
}

function expectEveryPosition(out: Float32Array, ref: ReturnType<typeof reference>, atol: number, what: string) {
  const {tokens, logits, V} = ref;
  for (let p = 0; p < tokens.length; p++)
    expectClose(out.subarray(p * V, (p + 1) * V), logits.subarray(p * V, (p + 1) * V), {atol}, `${what} pos ${p}`);
}

describeWithFixtures("hf", "loadHfModel(folder) on Hugging Face folders, against llama.cpp", () => {
  for (const stem of ["rand-256-llama", "rand-256-llama-bf16", "rand-256-qwen2"])
    it(`prefill(${stem}) gives llama.cpp's logits within MAX_ERR at every position`, async () => {
      const {model, types} = await openHfFixture(stem);
      const ref = reference(stem);
      const out = prefill(model, ref.tokens);
      console.log(`${stem} (${types}): max |Δ| vs llama.cpp = ${maxAbsDiff(out, ref.logits).toExponential(2)}`);
      expectEveryPosition(out, ref, MAX_ERR, stem);
    });

  it("the config is read as llama.cpp reads it: NeoX RoPE, θ, eps, biases, untied", async () => {
    const {model, file} = await openHfFixture("rand-256-qwen2");
    expect(model.config).toMatchObject({ropeStyle: "neox", ropeTheta: 1e6, normEps: 1e-6, sharedClassifier: false});
    expect(model.weights.biases?.bk.length).toBe(2 * 128);
    expect(file.tensors.get("blk.1.attn_v.bias")?.hfName).toBe("model.layers.1.self_attn.v_proj.bias");
    expect(file.tokenizer).toBeNull();
  });

  for (const [folder, gguf] of [
    ["rand-256-llama", "gguf/rand-256.f32.gguf"],
    ["rand-256-qwen2", "hf/rand-256-qwen2.f32.gguf"]
  ] as const)
    it(`${folder}: the folder and ${gguf} give the same logits (within MAX_ROUTE_DIFF)`, async () => {
      const hf = await openHfFixture(folder);
      const {model} = await openGguf(gguf);
      const ref = reference(folder);
      const a = Float32Array.from(prefill(hf.model, ref.tokens));
      const b = prefill(model, ref.tokens);
      expectClose(a, b, {atol: MAX_ROUTE_DIFF}, `${folder} vs ${gguf}`);
      expectEveryPosition(b, ref, MAX_ERR, gguf);
    });

  it("qwen2 one token at a time, on the wasm kernels (NeoX RoPE and attention in wasm), gives the prefill's logits", async () => {
    const arena = createArena({bytes: 64 << 20, shared: false});
    const fast = await createWasmKernels({arena, maxN: 768});
    const {model} = await openHfFixture("rand-256-qwen2", {alloc: arena.alloc, kernels: fast.kernels, ctx: 32});
    const ref = reference("rand-256-qwen2");
    const before = fast.calls.wasm;
    decodeAll(model, ref);
    expect(fast.calls.wasm - before).toBeGreaterThan(0);
    fast.close();
  });

  describe("refusals name the file, the key or tensor, and what to do", () => {
    it("a folder without config.json, or without weights", async () => {
      const dir = await openDirectory(fixturePath("hf"));
      await expect(loadHfModel(dir)).rejects.toThrow(/config.json: is missing; is this a Hugging Face model folder/);
      await dir.close();
    });
  });
});

function decodeAll(model: Transformer, ref: ReturnType<typeof reference>) {
  const {tokens, logits, V} = ref;
  for (let p = 0; p < tokens.length; p++)
    expectClose(forward(model, tokens[p]!, p), logits.subarray(p * V, (p + 1) * V), {atol: MAX_ERR}, `decode pos ${p}`);
}

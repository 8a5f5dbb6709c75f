// Hugging Face folders: config.json refusals by key, the folder's tensor checks, Llama 3 RoPE scaling as llama.cpp's
// converter computes it, and mutated or truncated safetensors headers and config files (each a clear error or a
// correct load; no crash, no hang, no allocation larger than the file).
import {describe, expect, it} from "vitest";
import {Rng} from "../../src/engine/rng.ts";
import {bytesSource, readGguf, readTensorBytes} from "../../src/model-files/gguf/index.ts";
import {
  HfConfigError,
  HfFolderError,
  readHfConfig,
  readHfModel,
  type ModelFolder
} from "../../src/model-files/hf/index.ts";
import {readSafetensors, SafetensorsError} from "../../src/model-files/safetensors/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, readFixture} from "../helpers/fixtures.ts";

const FUZZ_CASES = 1200;
const TIME_BOUND_MS = 30_000;

const encoder = new TextEncoder();

/** A safetensors file: the header JSON padded with spaces to 8 bytes, then the data. */
function safetensors(tensors: Record<string, {dtype: string; shape: number[]; data: Uint8Array}>): Uint8Array {
  const header: Record<string, unknown> = {__metadata__: {format: "pt"}};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = {dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength]};
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(encoder.encode(json), 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}

function memoryFolder(files: Record<string, Uint8Array | string>, name = "folder"): ModelFolder {
  const bytes = Object.fromEntries(
    Object.entries(files).map(([f, v]) => [f, typeof v === "string" ? encoder.encode(v) : v])
  );
  return {name, files: Object.keys(bytes), open: async (f) => bytesSource(bytes[f]!, `${name}/${f}`)};
}

const TINY = {
  architectures: ["LlamaForCausalLM"],
  hidden_size: 8,
  intermediate_size: 16,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  vocab_size: 4,
  rms_norm_eps: 1e-5,
  tie_word_embeddings: true
};

/** The tensors of TINY (F32, zeros), by Hugging Face name. */
function tinyTensors(): Record<string, {dtype: string; shape: number[]; data: Uint8Array}> {
  const t = (...shape: number[]) => ({dtype: "F32", shape, data: new Uint8Array(4 * shape.reduce((a, b) => a * b))});
  const p = "model.layers.0.";
  return {
    "model.embed_tokens.weight": t(4, 8),
    [`${p}input_layernorm.weight`]: t(8),
    [`${p}self_attn.q_proj.weight`]: t(8, 8),
    [`${p}self_attn.k_proj.weight`]: t(4, 8),
    [`${p}self_attn.v_proj.weight`]: t(4, 8),
    [`${p}self_attn.o_proj.weight`]: t(8, 8),
    [`${p}post_attention_layernorm.weight`]: t(8),
    [`${p}mlp.gate_proj.weight`]: t(16, 8),
    [`${p}mlp.up_proj.weight`]: t(16, 8),
    [`${p}mlp.down_proj.weight`]: t(8, 16),
    "model.norm.weight": t(8)
  };
}

const config = (patch: Record<string, unknown> = {}) => JSON.stringify({...TINY, ...patch});

describe("readHfConfig(text)", () => {
  it("reads transformers' keys with their defaults", () => {
    expect(readHfConfig(config())).toMatchObject({
      family: "llama",
      dim: 8,
      nKvHeads: 1,
      headSize: 4,
      ropeTheta: 10000,
      tiedOutput: true,
      qkvBias: false,
      ropeFreqs: null
    });
    expect(readHfConfig(config({architectures: ["Qwen2ForCausalLM"], sliding_window: 4096}))).toMatchObject({
      family: "qwen2",
      qkvBias: true,
      slidingWindow: null
    });
  });

  const refusals: [Record<string, unknown>, RegExp][] = [
    [{architectures: ["GPT2LMHeadModel"]}, /key "architectures": is GPT2LMHeadModel; the models that run here are/],
    [{architectures: []}, /key "architectures": is \[\]; expected one name/],
    [{hidden_act: "gelu"}, /key "hidden_act": is "gelu"; only SiLU/],
    [{attention_bias: true}, /key "attention_bias": is true; a Llama with biases/],
    [{mlp_bias: true}, /key "mlp_bias": is true/],
    [{architectures: ["Qwen2ForCausalLM"], use_sliding_window: true}, /key "use_sliding_window": is true/],
    [{head_dim: 8}, /key "head_dim": is 8, not hidden_size \/ num_attention_heads = 4/],
    [{num_attention_heads: 3}, /key "num_attention_heads": 3 does not divide hidden_size 8/],
    [{num_key_value_heads: 3}, /key "num_key_value_heads": 3 does not divide/],
    [{hidden_size: -8}, /key "hidden_size": is -8; expected an integer >= 1/],
    [{intermediate_size: undefined}, /key "intermediate_size": is missing/],
    [{rope_scaling: {type: "yarn", factor: 4}}, /key "rope_scaling": .*only Llama 3's scaling/],
    [{rope_theta: 0}, /key "rope_theta": is 0; expected a positive number/]
  ];
  for (const [patch, message] of refusals)
    it(`refuses ${JSON.stringify(patch)} by its key`, () => {
      expect(() => readHfConfig(config(patch), "m/config.json")).toThrow(HfConfigError);
      expect(() => readHfConfig(config(patch), "m/config.json")).toThrow(message);
    });

  it("refuses text that is not a JSON object", () => {
    expect(() => readHfConfig("{", "c.json")).toThrow(/c.json: config: is not JSON/);
    expect(() => readHfConfig("[1]", "c.json")).toThrow(/c.json: config: is not a JSON object/);
  });
});

describeWithFixtures("gguf", "Llama 3 rope_scaling", () => {
  it("gives the rope_freqs llama.cpp's converter writes (rand-256-rope-llama3: 8, 1, 4, 8192, θ 500000)", async () => {
    const c = readHfConfig(
      JSON.stringify({
        ...TINY,
        hidden_size: 256,
        num_attention_heads: 4,
        rope_theta: 500000,
        rope_scaling: {
          rope_type: "llama3",
          factor: 8,
          low_freq_factor: 1,
          high_freq_factor: 4,
          original_max_position_embeddings: 8192
        }
      })
    );
    const bytes = readFixture("gguf", "rand-256-rope-llama3.q8_0.gguf");
    const source = bytesSource(bytes);
    const gguf = await readGguf(source);
    const stored = await readTensorBytes(source, gguf.tensor("rope_freqs.weight")!);
    const expected = new Float32Array(stored.slice().buffer);
    expectClose(c.ropeFreqs!, expected, {rtol: 1e-6}, "rope_freqs");
  });
});

describe("readHfModel(folder): the folder's checks", () => {
  const weights = () => safetensors(tinyTensors());

  it("a complete tied folder reads, tensors named as in GGUF", async () => {
    const model = await readHfModel(memoryFolder({"config.json": config(), "model.safetensors": weights()}));
    expect([...model.tensors.keys()]).toContain("blk.0.ffn_down.weight");
    expect(model.tensors.has("output.weight")).toBe(false);
    expect(model.tensors.get("blk.0.attn_k.weight")!.shape).toEqual([4, 8]);
  });

  it("shards through model.safetensors.index.json", async () => {
    const all = tinyTensors();
    const names = Object.keys(all);
    const first = Object.fromEntries(names.slice(0, 5).map((n) => [n, all[n]!]));
    const second = Object.fromEntries(names.slice(5).map((n) => [n, all[n]!]));
    const index = {
      weight_map: Object.fromEntries(names.map((n, i) => [n, i < 5 ? "a.safetensors" : "b.safetensors"]))
    };
    const model = await readHfModel(
      memoryFolder({
        "config.json": config(),
        "model.safetensors.index.json": JSON.stringify(index),
        "a.safetensors": safetensors(first),
        "b.safetensors": safetensors(second)
      })
    );
    expect(model.weightFiles).toEqual(["a.safetensors", "b.safetensors"]);
    expect(model.tensors.size).toBe(names.length);
  });

  const bad: [string, () => Record<string, Uint8Array | string>, RegExp][] = [
    ["no config.json", () => ({"model.safetensors": weights()}), /config.json: is missing; is this a Hugging Face/],
    ["no weights", () => ({"config.json": config()}), /weights: are missing: a Hugging Face folder needs/],
    [
      "PyTorch weights only",
      () => ({"config.json": config(), "pytorch_model.bin": new Uint8Array(8)}),
      /weights: are in pytorch_model.bin \(PyTorch pickle\), which is not read here/
    ],
    [
      "untied without lm_head",
      () => ({"config.json": config({tie_word_embeddings: false}), "model.safetensors": weights()}),
      /tensor "lm_head.weight": is missing; config.json says tie_word_embeddings is false/
    ],
    [
      "a missing layer tensor",
      () => {
        const t = tinyTensors();
        delete t["model.layers.0.mlp.up_proj.weight"];
        return {"config.json": config(), "model.safetensors": safetensors(t)};
      },
      /tensor "model.layers.0.mlp.up_proj.weight": is missing/
    ],
    [
      "a wrong shape",
      () => ({"config.json": config({intermediate_size: 12}), "model.safetensors": weights()}),
      /tensor "model.layers.0.mlp.gate_proj.weight" at byte \d+: has shape \[16, 8\] but config.json implies \[12, 8\]/
    ],
    [
      "zero layers",
      () => ({"config.json": config({num_hidden_layers: 0}), "model.safetensors": weights()}),
      /key "num_hidden_layers": is 0/
    ],
    [
      "a tensor of another architecture",
      () => {
        const t = tinyTensors();
        t["model.layers.0.self_attn.q_norm.weight"] = {dtype: "F32", shape: [4], data: new Uint8Array(16)};
        return {"config.json": config(), "model.safetensors": safetensors(t)};
      },
      /tensor "model.layers.0.self_attn.q_norm.weight" at byte \d+: is not part of a LlamaForCausalLM with 1 layers/
    ],
    [
      "a quantized dtype",
      () => {
        const t = tinyTensors();
        t["model.norm.weight"] = {dtype: "I8", shape: [8], data: new Uint8Array(8)};
        return {"config.json": config(), "model.safetensors": safetensors(t)};
      },
      /tensor "model.norm.weight" at byte 8: has dtype I8; only F32, F16, BF16/
    ]
  ];
  for (const [what, files, message] of bad)
    it(`refuses ${what}, naming it`, async () => {
      await expect(readHfModel(memoryFolder(files()))).rejects.toThrow(message);
    });
});

describe("readSafetensors(source): header checks", () => {
  const tensors = {
    a: {dtype: "F32", shape: [2], data: new Uint8Array(8)},
    b: {dtype: "BF16", shape: [4], data: new Uint8Array(8)}
  };

  it("reads dtype, shape and absolute offsets", async () => {
    const file = await readSafetensors(bytesSource(safetensors(tensors), "t.safetensors"));
    expect(file.metadata).toEqual({format: "pt"});
    expect(file.tensors.map((t) => [t.name, t.dtype, t.shape, t.size])).toEqual([
      ["a", "F32", [2], 8],
      ["b", "BF16", [4], 8]
    ]);
    expect(file.tensor("b")!.fileOffset).toBe(file.tensor("a")!.fileOffset + 8);
  });

  const header = (json: string, data = 16) => {
    const text = json + " ".repeat((8 - (json.length % 8)) % 8);
    const out = new Uint8Array(8 + text.length + data);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(encoder.encode(text), 8);
    return out;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["a file shorter than 8 bytes", new Uint8Array(5), /header length at byte 0: needs 8 bytes but the file has 5/],
    [
      "a header longer than the file",
      header("{}").map((v, i) => (i === 1 ? 0xff : v)),
      /header length at byte 0: is \d+ bytes, more than/
    ],
    ["JSON that is not an object", header("[1,2]"), /header at byte 8: is not a JSON object/],
    ["bad JSON", header('{"a":'), /header at byte 8: is not valid UTF-8 JSON/],
    [
      "offsets that disagree with the shape",
      header(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}`),
      /tensor "a" at byte 8: has shape \[3\] of F32 \(12 bytes\) but data_offsets span 16 bytes/
    ],
    [
      "offsets past the data",
      header(`{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}`),
      /tensor "a" at byte \d+: ends at data byte 32, past the 16 bytes of data/
    ],
    [
      "overlapping tensors",
      header(
        `{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`
      ),
      /overlaps the tensor before it/
    ],
    [
      "a gap",
      header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`),
      /starts at byte \d+, leaving a gap after byte \d+/
    ],
    [
      "data not covered",
      header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`),
      /data at byte \d+: the tensors end at byte \d+ but the file has \d+ bytes/
    ],
    [
      "a negative dimension",
      header(`{"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}`),
      /has shape \[-4\]; expected up to 4 non-negative integers/
    ],
    [
      "metadata that is not strings",
      header(`{"__metadata__":{"n":1}}`, 0),
      /"__metadata__" at byte 8: must be an object of strings/
    ]
  ];
  for (const [what, bytes, message] of cases)
    it(`refuses ${what}`, async () => {
      const read = readSafetensors(bytesSource(bytes, "t.safetensors"));
      await expect(read).rejects.toThrow(SafetensorsError);
      await expect(readSafetensors(bytesSource(bytes, "t.safetensors"))).rejects.toThrow(message);
    });
});

describe("fuzzing: mutated and truncated safetensors files and config.json", () => {
  function mutate(base: Uint8Array, headerEnd: number, rng: Rng): Uint8Array {
    const pick = (n: number) => rng.nextU32() % n;
    const kind = pick(3);
    if (kind === 0) return base.subarray(0, pick(base.length));
    const out = base.slice();
    for (let i = 1 + pick(4); i > 0; i--) {
      const at = pick(headerEnd);
      if (kind === 1) out[at] = pick(256);
      else out[at] = '0123456789-,:[]{}"e'.charCodeAt(pick(19));
    }
    return out;
  }

  it(`${FUZZ_CASES} cases: each a named error or a correct load, none allocating more than the file`, async () => {
    const rng = new Rng(20261207);
    const weights = safetensors(tinyTensors());
    const headerEnd = 8 + Number(new DataView(weights.buffer).getBigUint64(0, true));
    const configText = encoder.encode(config({tie_word_embeddings: true}));
    const start = performance.now();
    const outcomes = {loaded: 0, refused: 0};
    for (let i = 0; i < FUZZ_CASES; i++) {
      const mutateConfig = i % 4 === 3;
      const files = {
        "config.json": mutateConfig ? mutate(configText, configText.length, rng) : configText,
        "model.safetensors": mutateConfig ? weights : mutate(weights, headerEnd, rng)
      };
      const size = Math.max(files["model.safetensors"].byteLength, files["config.json"].byteLength);
      let largest = 0;
      try {
        const model = await readHfModel(memoryFolder(files, `case${i}`), {
          onAllocate: (b) => (largest = Math.max(largest, b))
        });
        for (const t of model.tensors.values()) expect(t.bytes.byteLength).toBe(4 * t.count);
        outcomes.loaded++;
      } catch (error) {
        const named =
          error instanceof SafetensorsError || error instanceof HfFolderError || error instanceof HfConfigError;
        if (!named) throw new Error(`case ${i}: not a named error: ${(error as Error).stack}`, {cause: error});
        outcomes.refused++;
      }
      expect(largest, `case ${i}`).toBeLessThanOrEqual(size);
    }
    const ms = performance.now() - start;
    console.log(`safetensors/config fuzz: ${JSON.stringify(outcomes)} in ${ms.toFixed(0)} ms`);
    expect(outcomes.refused).toBeGreaterThan(FUZZ_CASES / 2);
    expect(ms).toBeLessThan(TIME_BOUND_MS);
  });
});

// A spec resolved on a model's tensors: preset specs through llama-quantize's rules (the built-in model's rows of 64 and
// 192 take its fallbacks), overrides on top, and the quant provider running exactly the resolved types.
import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG, loadDefaultModel} from "../../src/engine/default-model.ts";
import {readCheckpointHeader, HEADER_BYTES} from "../../src/engine/checkpoint.ts";
import {bytesSource, readGguf} from "../../src/model-files/gguf/index.ts";
import {
  concreteSpec,
  planSpec,
  presetModelOf,
  presetModelOfConfig,
  resolvePreset,
  type SpecTensor
} from "../../src/quant/presets/index.ts";
import {setQuant} from "../../src/quant/provider.ts";
import {specSimulatedNotes} from "../../src/quant/simulated.ts";
import {targetOf} from "../../src/quant/spec.ts";
import {describeWithFixtures, readFixture, readFixtureJson} from "../helpers/fixtures.ts";

const typeOf = (plan: SpecTensor[], name: string) => plan.find((p) => p.name === name)!.type;
const model = presetModelOfConfig(DEFAULT_CONFIG);

describe("presetModelOfConfig(config)", () => {
  it("presetModelOfConfig(built-in) lists llama.cpp's tensors: norms, matrices in ne order, no output when tied", () => {
    const names = model.tensors.map((t) => t.name);
    expect(DEFAULT_CONFIG.sharedClassifier).toBe(true);
    expect(names).not.toContain("output.weight");
    expect(names).toHaveLength(2 + 9 * DEFAULT_CONFIG.nLayers);
    const shape = (n: string) => model.tensors.find((t) => t.name === n)!.shape;
    expect(shape("token_embd.weight")).toEqual([64, 768]);
    expect(shape("blk.0.attn_v.weight")).toEqual([64, 32]);
    expect(shape("blk.0.ffn_down.weight")).toEqual([192, 64]);
    expect(shape("blk.3.ffn_norm.weight")).toEqual([64]);
  });
});

describe("planSpec(spec, model)", () => {
  it("planSpec(preset=Q4_K_M, built-in) falls back as llama-quantize: Q4_K -> Q5_0, Q6_K -> Q8_0, tied embd Q8_0", () => {
    const plan = planSpec("preset=Q4_K_M", model);
    // token_embd is the output matrix (tied); its rows of 64 do not fit Q4_K's 256, so Q8_0
    expect(typeOf(plan, "token_embd.weight")).toBe("Q8_0");
    expect(plan.find((p) => p.name === "token_embd.weight")!.rule).toMatch(/tied.*Q8_0/);
    // use_more_bits(i, 4) holds for layers 2 and 3: Q6_K wanted, Q8_0 stored
    for (const l of [0, 1, 2, 3]) {
      const more = l >= 2;
      expect(typeOf(plan, `blk.${l}.attn_v.weight`)).toBe(more ? "Q8_0" : "Q5_0");
      expect(typeOf(plan, `blk.${l}.ffn_down.weight`)).toBe(more ? "Q8_0" : "Q5_0");
      expect(typeOf(plan, `blk.${l}.attn_q.weight`)).toBe("Q5_0");
      expect(typeOf(plan, `blk.${l}.attn_norm.weight`)).toBe("F32");
    }
    const v2 = plan.find((p) => p.name === "blk.2.attn_v.weight")!;
    expect(v2.layer).toEqual({index: 2, count: 4});
    expect(v2.fallback).toMatch(/^Q6_K wanted, but rows of 64 values are not a multiple of Q6_K's block of 256/);
    expect(plan.find((p) => p.name === "blk.0.attn_norm.weight")!.rule).toBe("1-D: never quantized");
  });
  it("planSpec(preset=P, m) agrees with resolvePreset(m, P) tensor for tensor", () => {
    for (const preset of ["Q2_K", "Q3_K_M", "Q4_K_S", "Q5_K_M", "Q6_K", "Q4_0", "IQ4_NL", "F16", "BF16"]) {
      const plan = planSpec(`preset=${preset}`, model);
      const resolved = resolvePreset(model, preset);
      expect(plan.map((p) => [p.name, p.type, p.rule, p.bytes])).toEqual(
        resolved.map((p) => [p.name, p.type, p.rule, p.bytes])
      );
      expect(plan.every((p) => p.format === (p.type === "F32" ? "fp32" : p.type!.toLowerCase()))).toBe(true);
    }
  });
  it("planSpec(preset=Q4_K_M,attn_v=q8_0,blk.0.ffn_down=q4_k) puts overrides on top, with their own fallback", () => {
    const plan = planSpec("preset=Q4_K_M,attn_v=q8_0,blk.0.ffn_down=q4_k,token_embd=f16", model);
    for (const l of [0, 1, 2, 3]) expect(typeOf(plan, `blk.${l}.attn_v.weight`)).toBe("Q8_0");
    const down = plan.find((p) => p.name === "blk.0.ffn_down.weight")!;
    expect(down.type).toBe("Q5_0");
    expect(down.fallback).toMatch(/^Q4_K wanted, but rows of 192 .*fallback Q5_0$/);
    expect(down.rule).toMatch(/^override: q4_k \(Q4_K_M chose Q5_0: ffn_down/);
    expect(typeOf(plan, "blk.1.ffn_down.weight")).toBe("Q5_0");
    expect(typeOf(plan, "token_embd.weight")).toBe("F16");
  });
  it("planSpec(preset=Q8_0) on rows of 172 (stories260K) stops where llama-quantize stops", () => {
    const stories = readCheckpointHeader(readFixture("llama2c", "stories260K.bin").subarray(0, HEADER_BYTES));
    const m = presetModelOfConfig(stories);
    expect(() => planSpec("preset=Q8_0", m)).toThrow(/"blk.0.ffn_down.weight": rows of 172 .*Unsupported tensor size/);
    // Q4_K: Q5_0's block of 32 does not fit 172 either, so F16
    const plan = planSpec("preset=Q4_K_M", m);
    expect(typeOf(plan, "blk.1.ffn_down.weight")).toBe("F16");
    expect(() => planSpec("preset=Q4_K_M,ffn_down=q8_0", m)).toThrow(
      /^invalid quant override: tensor "blk.0.ffn_down.weight": rows of 172 .*no fallback for Q8_0/
    );
  });
  it("planSpec(plain spec) gives every matrix its format, a GGUF type only where ggml can store it", () => {
    const plan = planSpec("q4_0,token_embd=q8_0,blk.1=int4,ffn_up=q4_k", model);
    expect(typeOf(plan, "token_embd.weight")).toBe("Q8_0");
    expect(typeOf(plan, "blk.0.attn_q.weight")).toBe("Q4_0");
    expect(typeOf(plan, "blk.1.attn_q.weight")).toBeUndefined();
    expect(plan.find((p) => p.name === "blk.1.attn_q.weight")!.format).toBe("int4:g32:sym");
    const up = plan.find((p) => p.name === "blk.0.ffn_up.weight")!;
    expect([up.type, up.fallback]).toEqual([undefined, "simulated: llama.cpp would store this tensor as q5_0"]);
    expect(plan.find((p) => p.name === "blk.0.attn_q.weight")!.bpw).toBe(4.5);
  });
});

describeWithFixtures("gguf", "planSpec(preset=P, rand-256.f32.gguf)", () => {
  it("planSpec(preset=P, presetModelOf(rand-256.f32.gguf)) gives llama-quantize's types (the .json's)", async () => {
    const gguf = await readGguf(bytesSource(readFixture("gguf", "rand-256.f32.gguf")));
    for (const preset of ["Q4_K_M", "Q6_K", "Q4_0", "IQ4_NL"]) {
      const json = readFixtureJson<{tensors: {name: string; type: string}[]}>(
        "gguf",
        `rand-256.${preset.toLowerCase()}.json`
      );
      const plan = planSpec(`preset=${preset}`, presetModelOf(gguf));
      expect(plan.map((p) => [p.name, p.type])).toEqual(json.tensors.map((t) => [t.name, t.type]));
    }
  });
});

describe("concreteSpec(spec, config) and the quant provider", () => {
  it("setQuant(model, {quant: preset=Q4_K_M}) runs each matrix in the type planSpec resolved, nothing simulated", () => {
    const {model: m} = loadDefaultModel();
    const provider = setQuant(m, {quant: "preset=Q4_K_M,blk.0.attn_q=q8_0"});
    const plan = planSpec("preset=Q4_K_M,blk.0.attn_q=q8_0", model);
    const byTarget = new Map(provider.report().map((r) => [targetOf(r.name, r.layer), r.format]));
    for (const p of plan.filter((t) => !t.name.includes("norm"))) {
      const target = p.name.replace(/\.weight$/, "");
      expect(byTarget.get(target), target).toBe(p.format);
    }
    // the shared classifier is the embedding table, in its type
    expect(byTarget.get("output")).toBe(byTarget.get("token_embd"));
    expect(byTarget.get("blk.0.attn_q")).toBe("q8_0");
    expect(provider.settings.quant.preset).toBe("Q4_K_M");
    expect(provider.kind).toBe("preset=Q4_K_M,blk.0.attn_q=q8_0 cached");
    expect(specSimulatedNotes(DEFAULT_CONFIG, "preset=Q2_K")).toEqual([]);
    expect(specSimulatedNotes(DEFAULT_CONFIG, "q2_k")).not.toEqual([]);
  });
  it("concreteSpec(plain spec) is the spec itself", () => {
    expect(concreteSpec("q4_0,attn_v=q8_0", DEFAULT_CONFIG)).toEqual({
      base: "q4_0",
      overrides: [{target: "attn_v", format: "q8_0"}]
    });
  });
});

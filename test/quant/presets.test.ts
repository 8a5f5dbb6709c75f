import {describe, expect, it} from "vitest";
import {
  PRESETS,
  resolvePreset,
  toPreset,
  useMoreBits,
  type PresetModel,
  type PresetTensor,
  type TensorPlan
} from "../../src/quant/presets/index.ts";

/** A llama model's tensor list as GGUF names it (ne order: [row length, rows]). */
function llamaModel(o: {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  vocab: number;
  tied?: boolean;
}): PresetModel {
  const kv = (o.dim / o.heads) * o.kvHeads;
  const tensors: PresetTensor[] = [
    {name: "token_embd.weight", shape: [o.dim, o.vocab]},
    {name: "output_norm.weight", shape: [o.dim]}
  ];
  if (!o.tied) tensors.push({name: "output.weight", shape: [o.dim, o.vocab]});
  for (let i = 0; i < o.layers; i++) {
    const b = `blk.${i}.`;
    tensors.push(
      {name: `${b}attn_norm.weight`, shape: [o.dim]},
      {name: `${b}attn_q.weight`, shape: [o.dim, o.dim]},
      {name: `${b}attn_k.weight`, shape: [o.dim, kv]},
      {name: `${b}attn_v.weight`, shape: [o.dim, kv]},
      {name: `${b}attn_output.weight`, shape: [o.dim, o.dim]},
      {name: `${b}ffn_norm.weight`, shape: [o.dim]},
      {name: `${b}ffn_gate.weight`, shape: [o.dim, o.ffn]},
      {name: `${b}ffn_up.weight`, shape: [o.dim, o.ffn]},
      {name: `${b}ffn_down.weight`, shape: [o.ffn, o.dim]}
    );
  }
  return {tensors, nLayers: o.layers, nHead: o.heads, nHeadKv: o.kvHeads};
}

const byName = (plan: TensorPlan[]) => new Map(plan.map((p) => [p.name, p]));
const typeOf = (plan: TensorPlan[], name: string) => byName(plan).get(name)!.type;
/** The layers (by the name's number) whose `kind` tensor got `type`. */
const layersWith = (plan: TensorPlan[], kind: string, type: string) =>
  plan
    .filter((p) => p.name.endsWith(`.${kind}.weight`) && p.type === type)
    .map((p) => Number(p.name.split(".")[1]))
    .sort((a, b) => a - b);

const llama7b = llamaModel({dim: 4096, layers: 32, heads: 32, kvHeads: 32, ffn: 11008, vocab: 32000});

describe("presets", () => {
  it("toPreset accepts llama-quantize's names in any case and refuses others naming the choices", () => {
    expect(toPreset("q4_k_m").name).toBe("Q4_K_M");
    expect(toPreset(" Q8_0 ").ftype).toBe(7);
    expect(() => toPreset("q4_k")).toThrow(/invalid preset: q4_k \(llama-quantize's names: Q2_K, .*BF16\)/);
    expect(PRESETS).toHaveLength(17);
  });

  it("use_more_bits(i, 32): the first and last 4 layers and every third one between", () => {
    const picked = Array.from({length: 32}, (_, i) => i).filter((i) => useMoreBits(i, 32));
    expect(picked).toEqual([0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]);
  });
});

describe("resolvePreset(model, preset): llama-quantize's per-tensor types", () => {
  it("keeps 1-D tensors and norms in their stored type, for every preset", () => {
    for (const p of PRESETS) {
      const plan = resolvePreset(llama7b, p);
      for (const t of plan.filter((t) => t.shape.length === 1)) {
        expect(t.type, `${p.name} ${t.name}`).toBe("F32");
        expect(t.rule).toMatch(/never quantized/);
      }
    }
  });

  it("lists the tensors in llama-quantize's order: unnumbered first, then by layer number, then by name", () => {
    const plan = resolvePreset(llamaModel({dim: 256, layers: 11, heads: 4, kvHeads: 4, ffn: 512, vocab: 64}), "Q8_0");
    const names = plan.map((p) => p.name);
    expect(names.slice(0, 4)).toEqual([
      "output.weight",
      "output_norm.weight",
      "token_embd.weight",
      "blk.0.attn_k.weight"
    ]);
    expect(names.indexOf("blk.2.attn_k.weight")).toBeLessThan(names.indexOf("blk.10.attn_k.weight"));
  });

  it("F16 and BF16 apply no mixture rule: every matrix, output and token_embd included", () => {
    for (const name of ["F16", "BF16"]) {
      const plan = resolvePreset(llama7b, name);
      expect(new Set(plan.filter((t) => t.shape.length === 2).map((t) => t.type))).toEqual(new Set([name]));
    }
  });

  it("output is Q6_K in every quantized preset but Q8_0; token_embd keeps the preset's type unless tied", () => {
    for (const p of PRESETS.filter((p) => p.quantized)) {
      const plan = resolvePreset(llama7b, p);
      expect(typeOf(plan, "output.weight"), p.name).toBe(p.name === "Q8_0" ? "Q8_0" : "Q6_K");
      expect(typeOf(plan, "token_embd.weight"), p.name).toBe(p.defaultType);
      const tied = resolvePreset(
        llamaModel({dim: 4096, layers: 2, heads: 32, kvHeads: 8, ffn: 256, vocab: 64, tied: true}),
        p
      );
      expect(typeOf(tied, "token_embd.weight"), p.name).toBe(p.name === "Q8_0" ? "Q8_0" : "Q6_K");
      expect(byName(tied).get("token_embd.weight")!.rule).toMatch(/tied/);
    }
  });

  it("Q4_K_M and Q5_K_M: attn_v and ffn_down Q6_K exactly in the use_more_bits layers", () => {
    const moreBits = [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31];
    for (const name of ["Q4_K_M", "Q5_K_M"]) {
      const plan = resolvePreset(llama7b, name);
      expect(layersWith(plan, "attn_v", "Q6_K"), name).toEqual(moreBits);
      expect(layersWith(plan, "ffn_down", "Q6_K"), name).toEqual(moreBits);
      const v6 = byName(plan).get("blk.6.attn_v.weight")!;
      expect(v6.layer).toEqual({index: 6, count: 32});
      expect(v6.rule).toMatch(/use_more_bits/);
      expect(layersWith(plan, "attn_q", toPreset(name).defaultType)).toHaveLength(32);
    }
  });

  it("the K-quant mixtures (llama 7B shape): attn_v, ffn_down and attn_output per preset", () => {
    const expectKinds = (preset: string, kind: string, want: Record<string, number[]>) => {
      const plan = resolvePreset(llama7b, preset);
      for (const [type, layers] of Object.entries(want))
        expect(layersWith(plan, kind, type), `${preset} ${kind}`).toEqual(layers);
    };
    const range = (a: number, b: number) => Array.from({length: b - a}, (_, i) => a + i);
    expectKinds("Q2_K", "attn_v", {Q3_K: range(0, 32)});
    expectKinds("Q2_K", "ffn_down", {Q3_K: range(0, 32)});
    expectKinds("Q2_K", "attn_output", {Q3_K: range(0, 32)});
    expectKinds("Q2_K", "attn_q", {Q2_K: range(0, 32)});
    expectKinds("Q3_K_S", "attn_v", {Q3_K: range(0, 32)});
    expectKinds("Q3_K_M", "attn_v", {Q5_K: [0, 1], Q4_K: range(2, 32)});
    expectKinds("Q3_K_M", "ffn_down", {Q5_K: [0, 1], Q4_K: range(2, 32)});
    expectKinds("Q3_K_M", "attn_output", {Q4_K: range(0, 32)});
    expectKinds("Q3_K_L", "attn_v", {Q5_K: range(0, 32)});
    expectKinds("Q3_K_L", "ffn_down", {Q5_K: range(0, 32)});
    expectKinds("Q3_K_L", "attn_output", {Q5_K: range(0, 32)});
    expectKinds("Q4_K_S", "attn_v", {Q5_K: [0, 1, 2, 3], Q4_K: range(4, 32)});
    expectKinds("Q4_K_S", "ffn_down", {Q5_K: [0, 1, 2, 3], Q4_K: range(4, 32)});
    expectKinds("Q5_K_S", "ffn_down", {Q5_K: range(0, 32)});
    expectKinds("IQ4_NL", "ffn_down", {Q5_K: [0, 1, 2, 3], IQ4_NL: range(4, 32)});
    expectKinds("IQ4_NL", "attn_v", {IQ4_NL: range(0, 32)});
    expectKinds("Q6_K", "ffn_down", {Q6_K: range(0, 32)});
  });

  it("grouped-query attention (n_head/n_head_kv ≥ 4) raises Q2_K's attn_v to Q4_K and IQ4_NL's to Q5_K", () => {
    const gqa = llamaModel({dim: 2048, layers: 22, heads: 32, kvHeads: 4, ffn: 5632, vocab: 32000});
    expect(layersWith(resolvePreset(gqa, "Q2_K"), "attn_v", "Q4_K")).toHaveLength(22);
    expect(layersWith(resolvePreset(gqa, "IQ4_NL"), "attn_v", "Q5_K")).toHaveLength(22);
  });

  it("a 70B model (80 layers, GQA) moves Q3_K/Q4_K attn_v up to Q5_K", () => {
    const m70 = llamaModel({dim: 8192, layers: 80, heads: 64, kvHeads: 8, ffn: 256, vocab: 256});
    expect(layersWith(resolvePreset(m70, "Q3_K_S"), "attn_v", "Q5_K")).toHaveLength(80);
    expect(byName(resolvePreset(m70, "Q4_K_M")).get("blk.40.attn_v.weight")!.type).toBe("Q5_K");
  });

  it("falls back where a row does not fit: Q2_K/Q3_K → IQ4_NL, Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0", () => {
    // SmolLM2-135M: rows of 576 = 2.25 × 256 do not fit the K-quants' super-blocks; 1536 does
    const smol = llamaModel({dim: 576, layers: 30, heads: 9, kvHeads: 3, ffn: 1536, vocab: 49152, tied: true});
    const cases: [string, string, string][] = [
      ["Q2_K", "blk.5.attn_q.weight", "IQ4_NL"],
      ["Q3_K_S", "blk.5.ffn_up.weight", "IQ4_NL"],
      ["Q4_K_M", "blk.5.attn_q.weight", "Q5_0"],
      ["Q5_K_S", "blk.5.attn_q.weight", "Q5_1"],
      ["Q6_K", "blk.5.attn_q.weight", "Q8_0"],
      ["Q4_K_M", "blk.0.attn_v.weight", "Q8_0"]
    ];
    for (const [preset, name, type] of cases) {
      const t = byName(resolvePreset(smol, preset)).get(name)!;
      expect(t.type, `${preset} ${name}`).toBe(type);
      expect(t.fallback).toMatch(/rows of 576 values are not a multiple of .* block of 256/);
    }
    const plan = resolvePreset(smol, "Q4_K_M");
    expect(typeOf(plan, "blk.4.ffn_down.weight")).toBe("Q4_K");
    expect(typeOf(plan, "blk.5.ffn_down.weight")).toBe("Q6_K");
    // the tied output's own rule: rows that do not fit the preset's type go to Q8_0, no fallback needed
    const embd = byName(plan).get("token_embd.weight")!;
    expect([embd.type, embd.fallback]).toEqual(["Q8_0", undefined]);
  });

  it("falls back to F16 when the fallback's block of 32 does not fit either", () => {
    const m = llamaModel({dim: 256, layers: 2, heads: 4, kvHeads: 4, ffn: 272, vocab: 64});
    // layer 1 of 2 is a use_more_bits layer: Q6_K wanted
    const down = byName(resolvePreset(m, "Q4_K_M")).get("blk.1.ffn_down.weight")!;
    expect(down.type).toBe("F16");
    expect(down.fallback).toMatch(/Q6_K wanted.*fallback F16 \(Q8_0's block of 32 does not fit either\)/);
  });

  it("refuses Q8_0 and the legacy presets on rows that are not a multiple of 32, as llama-quantize does", () => {
    const m = llamaModel({dim: 64, layers: 5, heads: 8, kvHeads: 4, ffn: 172, vocab: 512});
    for (const preset of ["Q8_0", "Q4_0", "Q5_1"])
      expect(() => resolvePreset(m, preset)).toThrow(
        /tensor "blk.0.ffn_down.weight": rows of 172 values are not a multiple of Q\d_\d's block of 32, and llama-quantize has no fallback .*Unsupported tensor size encountered/
      );
    expect(typeOf(resolvePreset(m, "F16"), "blk.0.ffn_down.weight")).toBe("F16");
  });

  it("counts bytes per tensor from the ggml type table", () => {
    const plan = resolvePreset(llama7b, "Q4_K_M");
    const q = byName(plan).get("blk.0.attn_q.weight")!;
    expect(q.bytes).toBe(4096 * (4096 / 256) * 144);
    expect(byName(plan).get("output_norm.weight")!.bytes).toBe(4096 * 4);
  });
});

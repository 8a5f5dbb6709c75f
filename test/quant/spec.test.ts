import {describe, expect, it} from "vitest";
import {
  formatFor,
  formatQuantSpec,
  parseQuantSpec,
  checkSpecLayers,
  targetOf,
  toQuantSpec,
  toTarget
} from "../../src/quant/spec.ts";
import {MATRIX_NAMES} from "../../src/model-files/matrix-names.ts";
import {toFormat} from "../../src/formats/schemes.ts";

describe("parseQuantSpec(text) / formatQuantSpec(spec)", () => {
  const canonical = [
    "q4_0",
    "fp32",
    "q8_0",
    "q4_1",
    "q5_0",
    "q5_1",
    "f16",
    "int4:g32:asym",
    "int8:tensor:sym",
    "int8:row:sym",
    "int2:g256:sym",
    "nf4:b64",
    "nf4:b4096",
    "llama2c_q8:g64",
    "q4_0,token_embd=q8_0,output=fp32",
    "fp32,ffn_down=q8_0",
    "fp32,blk.3=q4_0",
    "fp32,blk.3.attn_q=nf4:b64,attn_k=int4:row:asym",
    "q4_0,blk.0.ffn_gate=q8_0,blk.0.ffn_up=q8_0,blk.12.attn_output=fp32,attn_v=q5_1"
  ];
  for (const text of canonical) {
    it(`formatQuantSpec(parseQuantSpec("${text}")) round-trips`, () => {
      const spec = parseQuantSpec(text);
      expect(formatQuantSpec(spec)).toBe(text);
      expect(parseQuantSpec(formatQuantSpec(spec))).toEqual(spec);
    });
  }
  it("parseQuantSpec(text) fills defaults and normalizes case and spaces into the canonical text", () => {
    expect(formatQuantSpec(parseQuantSpec("int4"))).toBe("int4:g32:sym");
    expect(formatQuantSpec(parseQuantSpec("INT4:asym:g64"))).toBe("int4:g64:asym");
    expect(formatQuantSpec(parseQuantSpec("nf4"))).toBe("nf4:b64");
    expect(formatQuantSpec(parseQuantSpec("llama2c_q8"))).toBe("llama2c_q8:g64");
    expect(formatQuantSpec(parseQuantSpec(" Q4_0 , Token_Embd = q8_0 "))).toBe("q4_0,token_embd=q8_0");
    expect(toQuantSpec(parseQuantSpec("q4_0,ffn_down=q8_0"))).toEqual(parseQuantSpec("q4_0,ffn_down=q8_0"));
  });
  // llama2.c's names, l<i> and a file's .weight suffix: old deep links (?quant=q4_0,w2=q8_0) keep working
  const aliases: [string, string][] = [
    ["q4_0,w2=q8_0", "q4_0,ffn_down=q8_0"],
    ["q4_0,emb=q8_0,cls=fp32", "q4_0,token_embd=q8_0,output=fp32"],
    ["q4_0,tok_embeddings=q8_0,wcls=fp32", "q4_0,token_embd=q8_0,output=fp32"],
    ["fp32,wq=q4_0,wk=q4_0,wv=q4_0,wo=q4_0", "fp32,attn_q=q4_0,attn_k=q4_0,attn_v=q4_0,attn_output=q4_0"],
    ["fp32,w1=q4_0,w2=q4_0,w3=q4_0", "fp32,ffn_gate=q4_0,ffn_down=q4_0,ffn_up=q4_0"],
    ["fp32,l3=q4_0", "fp32,blk.3=q4_0"],
    [" Q4_0 , EMB = q8_0 , L03.WQ = nf4 ", "q4_0,token_embd=q8_0,blk.3.attn_q=nf4:b64"],
    ["fp32,l3.attn_q=q4_0,blk.4.w2=q8_0", "fp32,blk.3.attn_q=q4_0,blk.4.ffn_down=q8_0"],
    ["fp32,blk.3.attn_q.weight=q4_0,output.weight=q8_0", "fp32,blk.3.attn_q=q4_0,output=q8_0"],
    ["fp32,l00=q4_0,blk.0099999999999999999999=q8_0", "fp32,blk.0=q4_0,blk.99999999999999999999=q8_0"]
  ];
  for (const [alias, canonical] of aliases) {
    it(`parseQuantSpec("${alias}") formats back as "${canonical}"`, () => {
      expect(formatQuantSpec(parseQuantSpec(alias))).toBe(canonical);
      expect(parseQuantSpec(canonical)).toEqual(parseQuantSpec(alias));
    });
  }
  const invalid: [string, string][] = [
    ["", "invalid quant spec: "],
    ["q4_9", "invalid quant format: q4_9"],
    ["fp16", "invalid quant format: fp16"],
    ["q4_0:g32", "invalid quant option: g32"],
    ["int9", "invalid bits: int9"],
    ["int1:g32", "invalid bits: int1"],
    ["int4:g7", "invalid group size: g7"],
    ["int4:g512", "invalid group size: g512"],
    ["int4:g24", "invalid group size: g24"],
    ["int4:gx", "invalid group size: gx"],
    ["int4:sym:asym", "invalid quant option: asym"],
    ["int4:g32:row", "invalid quant option: row"],
    ["int4:fast", "invalid quant option: fast"],
    ["nf4:b63", "invalid block size: b63"],
    ["nf4:b16", "invalid block size: b16"],
    ["nf4:g64", "invalid block size: g64"],
    ["nf4:b64:b32", "invalid quant option: b32"],
    ["llama2c_q8:g48", "invalid group size: g48"],
    ["q4_0,w2", "invalid quant override: w2"],
    ["q4_0,norm=fp32", "invalid quant target: norm"],
    ["q4_0,rms_att=q8_0", "invalid quant target: rms_att"],
    ["q4_0,l2.emb=q8_0", "invalid quant target: l2.emb"],
    ["q4_0,blk.2.output=q8_0", "invalid quant target: blk.2.output"],
    ["q4_0,blk.2.weight=q8_0", "invalid quant target: blk.2.weight"],
    ["q4_0,blk=q8_0", "invalid quant target: blk"],
    ["q4_0,blk.=q8_0", "invalid quant target: blk."],
    ["q4_0,blk.-1=q8_0", "invalid quant target: blk.-1"],
    ["q4_0,attn_q.bias=q8_0", "invalid quant target: attn_q.bias"],
    ["q4_0,attn_norm=q8_0", "invalid quant target: attn_norm"],
    ["q4_0,w2=q9", "invalid quant format: q9"],
    ["q4_0,w2=q8_0,w2=fp32", "invalid quant override: w2=fp32 (target repeated)"],
    ["q4_0,l3.wq=q8_0,blk.3.attn_q=fp32", "invalid quant override: blk.3.attn_q=fp32 (target repeated)"]
  ];
  for (const [text, message] of invalid) {
    it(`parseQuantSpec("${text}") throws "${message}"`, () => {
      expect(() => parseQuantSpec(text)).toThrow(new Error(message));
    });
  }
});

describe("formatFor(spec, name, layer)", () => {
  it("formatFor(spec, name, layer) picks blk.<i>.<matrix>, then <matrix>, then blk.<i>, then the base", () => {
    const spec = parseQuantSpec(
      "q4_0,token_embd=q8_0,output=fp32,ffn_down=q5_0,blk.1=nf4:b64,blk.1.ffn_down=int8:row:sym"
    );
    expect(formatFor(spec, "token_embd", 0)).toBe("q8_0");
    expect(formatFor(spec, "output", 0)).toBe("fp32");
    expect(formatFor(spec, "attn_q", 0)).toBe("q4_0");
    expect(formatFor(spec, "ffn_down", 0)).toBe("q5_0");
    expect(formatFor(spec, "attn_q", 1)).toBe("nf4:b64");
    expect(formatFor(spec, "ffn_down", 1)).toBe("int8:row:sym");
    expect(formatFor(spec, "token_embd", 1)).toBe("q8_0"); // not in a layer: blk.1 does not reach it
  });
  it("formatFor(parseQuantSpec(alias), …) equals formatFor of the canonical spec for every matrix and layer", () => {
    const alias = parseQuantSpec("q4_0,emb=q8_0,cls=fp32,w1=q5_0,w3=q5_1,l1=nf4:b64,l1.w2=int8:row:sym");
    const canonical = parseQuantSpec(
      "q4_0,token_embd=q8_0,output=fp32,ffn_gate=q5_0,ffn_up=q5_1,blk.1=nf4:b64,blk.1.ffn_down=int8:row:sym"
    );
    for (const name of MATRIX_NAMES)
      for (const layer of [0, 1, 2]) expect(formatFor(alias, name, layer)).toBe(formatFor(canonical, name, layer));
  });
  it("targetOf(name, layer) is the target of exactly that matrix", () => {
    expect(targetOf("attn_q", 3)).toBe("blk.3.attn_q");
    expect(targetOf("token_embd", 3)).toBe("token_embd");
    expect(targetOf("output", 0)).toBe("output");
    for (const name of MATRIX_NAMES) expect(toTarget(targetOf(name, 2))).toBe(targetOf(name, 2));
  });
  it("checkSpecLayers(spec, nLayers) rejects a layer the model does not have", () => {
    expect(() => checkSpecLayers(parseQuantSpec("fp32,l5=q4_0"), 5)).toThrow(
      new Error("invalid quant target: blk.5 (the model has 5 layers)")
    );
    expect(() => checkSpecLayers(parseQuantSpec("fp32,blk.5.attn_q=q4_0"), 5)).toThrow("invalid quant target: blk.5");
    checkSpecLayers(parseQuantSpec("fp32,blk.4.ffn_gate=q4_0"), 5);
  });
});

describe("toFormat(text)", () => {
  it("toFormat(text).codec(rows, cols) reports block size, bytes per block and bits per weight", () => {
    const rows = [
      ["q8_0", 32, 34, 8.5],
      ["q4_0", 32, 18, 4.5],
      ["q4_1", 32, 20, 5],
      ["q5_0", 32, 22, 5.5],
      ["q5_1", 32, 24, 6],
      ["f16", 1, 2, 16],
      ["nf4:b64", 64, 36, 4.5],
      ["llama2c_q8:g64", 64, 68, 8.5],
      ["int4:g32:sym", 32, 20, 5],
      ["int4:g32:asym", 32, 24, 6],
      ["int3:g64:sym", 64, 28, 3.5],
      ["int8:row:sym", 100, 104, 8.32]
    ] as const;
    for (const [name, blockSize, blockBytes, bpw] of rows) {
      const c = toFormat(name).codec(4, 100);
      expect([c.name, c.blockSize, c.blockBytes, c.bpw]).toEqual([name, blockSize, blockBytes, bpw]);
    }
    const tensor = toFormat("int8:tensor").codec(4, 100);
    expect([tensor.blockSize, tensor.blockBytes, tensor.headerBytes, tensor.bpw]).toEqual([100, 100, 4, 8 + 32 / 400]);
  });
});

describe("parseQuantSpec(preset=…)", () => {
  const canonical = [
    "preset=Q4_K_M",
    "preset=Q8_0",
    "preset=IQ4_NL",
    "preset=BF16",
    "preset=Q4_K_M,attn_v=q8_0",
    "preset=Q3_K_S,blk.0.ffn_down=q6_k,output=fp32,token_embd=f16"
  ];
  for (const text of canonical) {
    it(`formatQuantSpec(parseQuantSpec("${text}")) round-trips`, () => {
      const spec = parseQuantSpec(text);
      expect(formatQuantSpec(spec)).toBe(text);
      expect(parseQuantSpec(formatQuantSpec(spec))).toEqual(spec);
    });
  }
  it("parseQuantSpec(text) reads any case: the preset back in llama-quantize's upper case, the rest lower case", () => {
    expect(formatQuantSpec(parseQuantSpec(" PRESET = q4_k_m , Attn_V = Q8_0 "))).toBe("preset=Q4_K_M,attn_v=q8_0");
    expect(formatQuantSpec(parseQuantSpec("preset=q5_k_s,l1.w2=Q6_K"))).toBe("preset=Q5_K_S,blk.1.ffn_down=q6_k");
  });
  it("parseQuantSpec(preset=P) starts from P's default type, so a preset is never read as fp32", () => {
    expect(parseQuantSpec("preset=Q4_K_M")).toEqual({base: "q4_k", preset: "Q4_K_M", overrides: []});
    expect(parseQuantSpec("preset=BF16").base).toBe("bf16");
    // q4_0 the format and Q4_0 the preset are different specs
    expect(parseQuantSpec("q4_0")).not.toEqual(parseQuantSpec("preset=Q4_0"));
  });
  it("formatFor(preset spec, …) refuses: a preset needs the model's shapes", () => {
    expect(() => formatFor(parseQuantSpec("preset=Q4_0"), "output", 0)).toThrow(/resolve it with concreteSpec/);
  });
  const invalid: [string, RegExp][] = [
    ["preset=Q4_K", /^invalid preset: Q4_K \(llama-quantize's names: Q2_K, Q3_K_S, .*, F16, BF16\)$/],
    ["preset=", /^invalid preset: {2}\(llama-quantize's names: Q2_K/],
    ["preset=int4", /^invalid preset: int4 \(/],
    ["q4_0,preset=Q4_K_M", /^invalid quant override: preset=Q4_K_M \(a preset is the whole spec's base/],
    ["preset=Q4_K_M,attn_v=int4", /^invalid quant override: attn_v=int4 \(a preset's overrides are ggml types.*q8_0/],
    ["preset=Q4_K_M,attn_v=nf4:b64", /^invalid quant override: attn_v=nf4:b64 \(a preset's overrides/],
    ["preset=Q4_K_M,attn_v=q9", /^invalid quant format: q9$/],
    ["preset=Q4_K_M,norm=q8_0", /^invalid quant target: norm$/],
    ["preset=Q4_K_M,attn_v=q8_0,wv=f16", /^invalid quant override: wv=f16 \(target repeated\)$/]
  ];
  for (const [text, message] of invalid) {
    it(`parseQuantSpec("${text}") throws ${message}`, () => {
      expect(() => parseQuantSpec(text)).toThrow(message);
    });
  }
});

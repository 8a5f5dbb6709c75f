import {describe, expect, it} from "vitest";
import {formatFor, formatQuantSpec, parseQuantSpec, checkSpecLayers, toQuantSpec} from "../../src/quant/spec.ts";
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
    "q4_0,emb=q8_0,cls=fp32",
    "fp32,w2=q8_0",
    "fp32,l3=q4_0",
    "fp32,l3.wq=nf4:b64,wk=int4:row:asym"
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
    expect(formatQuantSpec(parseQuantSpec(" Q4_0 , EMB = q8_0 "))).toBe("q4_0,emb=q8_0");
    expect(toQuantSpec(parseQuantSpec("q4_0,w2=q8_0"))).toEqual(parseQuantSpec("q4_0,w2=q8_0"));
  });
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
    ["q4_0,w2=q9", "invalid quant format: q9"],
    ["q4_0,w2=q8_0,w2=fp32", "invalid quant override: w2=fp32 (target repeated)"]
  ];
  for (const [text, message] of invalid) {
    it(`parseQuantSpec("${text}") throws "${message}"`, () => {
      expect(() => parseQuantSpec(text)).toThrow(new Error(message));
    });
  }
});

describe("formatFor(spec, name, layer)", () => {
  it("formatFor(spec, name, layer) picks l<i>.<matrix>, then <matrix>, then l<i>, then the base", () => {
    const spec = parseQuantSpec("q4_0,emb=q8_0,cls=fp32,w2=q5_0,l1=nf4:b64,l1.w2=int8:row:sym");
    expect(formatFor(spec, "tok_embeddings", 0)).toBe("q8_0");
    expect(formatFor(spec, "wcls", 0)).toBe("fp32");
    expect(formatFor(spec, "wq", 0)).toBe("q4_0");
    expect(formatFor(spec, "w2", 0)).toBe("q5_0");
    expect(formatFor(spec, "wq", 1)).toBe("nf4:b64");
    expect(formatFor(spec, "w2", 1)).toBe("int8:row:sym");
  });
  it("checkSpecLayers(spec, nLayers) rejects a layer the model does not have", () => {
    expect(() => checkSpecLayers(parseQuantSpec("fp32,l5=q4_0"), 5)).toThrow("invalid quant target: l5");
    checkSpecLayers(parseQuantSpec("fp32,l4.w1=q4_0"), 5);
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

// quantizeGguf with an importance matrix (issue 23), on rand-256.f32.gguf: an imatrix collected from the model itself
// (collectImatrix → .dat → importance) leaves llama-quantize's Q4_K_M types as they are and changes the blocks of every
// tensor it has an entry for, each row quantized as quantizeMatrix does with that importance; tensors without an
// entry are the plain ones; a wrong length is refused (token_embd's ignored); has_imatrix's two type rules.
import {describe, expect, it} from "vitest";
import {decodeTensor} from "../../src/quant/presets/ggml-codecs.ts";
import {GGML_CODECS} from "../../src/formats/ggml-codecs.ts";
import {quantizeMatrix} from "../../src/formats/matrix.ts";
import {bytesSource, readGguf, readTensorBytes} from "../../src/model-files/gguf/index.ts";
import {
  collectImatrix,
  imatrixFile,
  imatrixImportance,
  readImatrix,
  writeImatrix
} from "../../src/quant/imatrix/index.ts";
import {quantizeGguf, resolvePreset, type PresetModel} from "../../src/quant/presets/index.ts";
import {describeWithFixtures, readFixture} from "../helpers/fixtures.ts";
import {openGgufFixture} from "../helpers/gguf-fixtures.ts";

const FILE = "rand-256.f32.gguf";

async function collectedImportance(): Promise<Map<string, Float32Array>> {
  const {model} = await openGgufFixture(FILE, 64);
  const tokens = Array.from({length: 128}, (_, i) => 1 + ((i * 97) % 500));
  const collection = await collectImatrix(model, tokens, {ctx: 64, processOutput: true});
  return imatrixImportance(readImatrix(writeImatrix(imatrixFile(collection)), "rand-256.imatrix.dat"));
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describeWithFixtures("gguf", "quantizeGguf(rand-256.f32.gguf, preset, {imatrix})", () => {
  const input = readFixture("gguf", FILE);

  it("Q4_K_M: the same types, other blocks for every tensor with an entry, each row quantizeMatrix's with it", async () => {
    const imatrix = await collectedImportance();
    const plain = await quantizeGguf(bytesSource(input, FILE), "Q4_K_M");
    const weighted = await quantizeGguf(bytesSource(input, FILE), "Q4_K_M", {imatrix});
    expect(weighted.plan.map((p) => [p.name, p.type, p.rule])).toEqual(plain.plan.map((p) => [p.name, p.type, p.rule]));
    // the model's own imatrix has every product's matrix; token_embd is a lookup and the norms are not quantized
    expect(weighted.imatrixMissing).toEqual(["token_embd.weight"]);
    const source = bytesSource(input, FILE);
    const gguf = await readGguf(source);
    let changed = 0;
    for (const [i, t] of weighted.out.tensors.entries()) {
      const before = plain.out.tensors[i]!;
      expect(t.name).toBe(before.name);
      const qw = imatrix.get(t.name);
      if (!qw || t.type === "F32") {
        expect(equal(t.data, before.data), t.name).toBe(true);
        continue;
      }
      expect(equal(t.data, before.data), t.name).toBe(false);
      changed++;
      const [cols, rows] = t.shape as [number, number];
      const values = decodeTensor("F32", await readTensorBytes(source, gguf.tensor(t.name)!), rows * cols);
      const expected = quantizeMatrix(GGML_CODECS.get(t.type)!, values, rows, cols, qw).data;
      expect(equal(t.data, expected), t.name).toBe(true);
    }
    expect(changed).toBe(imatrix.size);
  });

  it("a tensor without an entry is quantized as without an imatrix; a wrong length is refused, token_embd's ignored", async () => {
    const imatrix = await collectedImportance();
    const plain = await quantizeGguf(bytesSource(input, FILE), "Q4_0");
    const partial = new Map([...imatrix].filter(([name]) => name !== "blk.1.ffn_up.weight"));
    const q = await quantizeGguf(bytesSource(input, FILE), "Q4_0", {imatrix: partial});
    expect(q.imatrixMissing).toEqual(["token_embd.weight", "blk.1.ffn_up.weight"]);
    const data = (g: typeof q, name: string) => g.out.tensors.find((t) => t.name === name)!.data;
    expect(equal(data(q, "blk.1.ffn_up.weight"), data(plain, "blk.1.ffn_up.weight"))).toBe(true);
    expect(equal(data(q, "blk.1.ffn_gate.weight"), data(plain, "blk.1.ffn_gate.weight"))).toBe(false);

    const wrong = new Map(imatrix).set("blk.0.attn_k.weight", new Float32Array(128).fill(1));
    await expect(quantizeGguf(bytesSource(input, FILE), "Q4_0", {imatrix: wrong})).rejects.toThrow(
      /rand-256\.f32\.gguf: the imatrix entry for "blk\.0\.attn_k\.weight" has 128 values, the tensor's rows 256/
    );
    const embd = new Map(imatrix).set("token_embd.weight", new Float32Array(3).fill(1));
    const ignored = await quantizeGguf(bytesSource(input, FILE), "Q4_0", {imatrix: embd});
    expect(equal(data(ignored, "token_embd.weight"), data(plain, "token_embd.weight"))).toBe(true);
    const negative = new Map(imatrix).set("blk.0.attn_k.weight", new Float32Array(256).fill(-1));
    await expect(quantizeGguf(bytesSource(input, FILE), "Q4_0", {imatrix: negative})).rejects.toThrow(
      /"blk\.0\.attn_k\.weight" has value 0 = -1 \(an importance must be finite and ≥ 0\)/
    );
  });
});

describe("resolvePreset(model, preset, {hasImatrix})", () => {
  // 8 layers: n/8 = 1, so the first ffn_down is the one the has_imatrix rules look at
  const model: PresetModel = {
    tensors: Array.from({length: 8}, (_, l) => ({name: `blk.${l}.ffn_down.weight`, shape: [256, 64], type: "F32"})),
    nLayers: 8,
    nHead: 4,
    nHeadKv: 4
  };
  const types = (preset: string, hasImatrix: boolean) => resolvePreset(model, preset, {hasImatrix}).map((p) => p.type);
  it("Q4_0 / Q5_0: the first ffn_down becomes Q4_1 / Q5_1 with an imatrix only", () => {
    expect(types("Q4_0", false)).toEqual(Array(8).fill("Q4_0"));
    expect(types("Q4_0", true)).toEqual(["Q4_1", ...Array(7).fill("Q4_0")]);
    expect(types("Q5_0", true)).toEqual(["Q5_1", ...Array(7).fill("Q5_0")]);
  });
  it("IQ4_NL: the first ffn_down is raised to Q5_K only without an imatrix", () => {
    expect(types("IQ4_NL", false)).toEqual(["Q5_K", ...Array(7).fill("IQ4_NL")]);
    expect(types("IQ4_NL", true)).toEqual(Array(8).fill("IQ4_NL"));
  });
  it("Q4_K_M: no rule looks at the imatrix", () => {
    expect(types("Q4_K_M", true)).toEqual(types("Q4_K_M", false));
  });
});

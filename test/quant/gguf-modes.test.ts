// The get_w modes on a GGUF's own packed blocks: a model loaded packed holds the file's tensors and no float32 copy of
// them, starts "as in the file", and every weight mode gives the logits of the dequantized file (the float32 model the
// reference loader makes): dequant, cached and fp32 exactly (the same floats through the same kernel), fused within
// FUSED_TOL, on the TS reference and on the wasm kernels of the FUSED_KERNELS table. A --quant spec re-quantizes from
// the dequantized file and says so.
import {expect, it} from "vitest";
import {loadGgufModel, prefill, type Transformer} from "../../src/engine/index.ts";
import {runOnKernels} from "../../src/kernels/create-model.ts";
import {ggufPlan} from "../../src/engine/gguf.ts";
import {readGguf} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {isLayerMatrix, MATRIX_NAMES} from "../../src/model-files/matrix-names.ts";
import {quantMatrices, setQuant, type QuantMatrices} from "../../src/quant/provider.ts";
import {formatFor, formatOfGgmlType, formatQuantSpec, parseQuantSpec} from "../../src/quant/spec.ts";
import {expectClose, maxAbsDiff} from "../helpers/expect-close.ts";
import {QUANTIZED_GGUF_FIXTURES} from "../helpers/gguf-fixtures.ts";
import {describeWithFixtures, fixturePath, readFixtureJson} from "../helpers/fixtures.ts";

/**
 * fused vs dequantized logits: the blocks' dot products sum in another float32 order than dequantize-then-matvec
 * (measured ≤ 2e-6 on these files; a wrong block read is off by far more)
 */
const FUSED_TOL = 1e-4;

const FILES = QUANTIZED_GGUF_FIXTURES;

interface FixtureJson {
  token_ids: number[];
  tensors: {name: string; type: string; bytes: number}[];
}

/**
 * "13 × Q4_K, 3 × Q6_K, 5 × F32" from the fixture's own tensor list (counted here, not by the code under test): block
 * types most frequent first, F32 last, as the fixture README lists them
 */
function expectedSummary(json: FixtureJson): string {
  const counts = new Map<string, number>();
  for (const t of json.tensors) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  const f32 = counts.get("F32");
  counts.delete("F32");
  return [...[...counts].sort((a, b) => b[1] - a[1]), ...(f32 ? [["F32", f32] as const] : [])]
    .map(([type, n]) => `${n} × ${type}`)
    .join(", ");
}

/** bytes of the file's weight matrices (norms and rope_freqs are float32 in any mode) */
const matrixBytes = (json: FixtureJson) =>
  json.tensors.filter((t) => !/norm|rope_freqs/.test(t.name)).reduce((sum, t) => sum + t.bytes, 0);

async function load(stem: string, packed: boolean): Promise<Transformer> {
  const source = await openFileSource(fixturePath("gguf", `${stem}.gguf`));
  try {
    const options = packed ? {packed, matrices: quantMatrices} : {};
    return (await loadGgufModel(source, options)).model;
  } finally {
    await source.close();
  }
}

describeWithFixtures("gguf", "weight modes on a GGUF's own packed blocks", () => {
  for (const stem of FILES)
    it(`${stem}: every mode gives the dequantized file's logits; packed modes hold the file's bytes`, async () => {
      const json = readFixtureJson<FixtureJson>("gguf", `${stem}.json`);
      const tokens = json.token_ids;
      const reference = prefill(await load(stem, false), tokens); // decoded to float32 at load, fp32Matrices
      const model = await load(stem, true);
      const provider = model.matrices as QuantMatrices;
      const summary = expectedSummary(json);
      expect(provider.kind).toBe(`as in the file: ${summary} cached`);
      // the spec names every matrix's stored type, and parses back to itself
      const spec = parseQuantSpec(formatQuantSpec(provider.settings.quant));
      for (const name of MATRIX_NAMES)
        for (let l = 0; l < (isLayerMatrix(name) ? model.config.nLayers : 1); l++)
          expect(formatFor(spec, name, l), `${name} ${l}`).toBe(formatOfGgmlType(model.file!.matrix(name, l).type));

      expect(model.weights.wq.length, "no float32 attn_q").toBe(0);
      expect(model.weights.w2.length, "no float32 ffn_down").toBe(0);
      for (const weights of ["dequant", "cached", "fp32"] as const) {
        setQuant(model, {weights});
        expect(maxAbsDiff(prefill(model, tokens), reference), weights).toBe(0);
      }
      for (const weights of ["dequant", "fused"] as const) {
        setQuant(model, {weights});
        const out = prefill(model, tokens);
        if (weights === "fused") expectClose(out, reference, {atol: FUSED_TOL}, `${stem} fused`);
        const r = provider.residency();
        expect(r.fp32Bytes, `${weights}: float32 matrices held`).toBe(0);
        expect(r.cachedFloatBytes, `${weights}: cached floats held`).toBe(0);
        expect(r.fileBytes, `${weights}: the file's matrix bytes`).toBe(matrixBytes(json));
        expect(r.packedBytes, `${weights}: packed bytes of the spec`).toBe(matrixBytes(json));
      }
    });

  it("the starting spec of Q4_K_M reads as the fixture README lists its tensors", async () => {
    const model = await load("rand-256.q4_k_m", true);
    expect((model.matrices as QuantMatrices).specText).toBe("as in the file: 13 × Q4_K, 3 × Q6_K, 5 × F32");
  });

  it("--quant on a quantized file re-quantizes the dequantized file, and says so", async () => {
    const tokens = readFixtureJson<FixtureJson>("gguf", "rand-256.q4_k_m.json").token_ids;
    const plain = await load("rand-256.q4_k_m", false);
    setQuant(plain, {quant: "q8_0"});
    const expected = prefill(plain, tokens);
    const model = await load("rand-256.q4_k_m", true);
    const provider = setQuant(model, {quant: "q8_0"});
    expect(provider.specText).toBe("q8_0 (re-quantized from the dequantized file: 13 × Q4_K, 3 × Q6_K, 5 × F32)");
    expect(maxAbsDiff(prefill(model, tokens), expected)).toBe(0);
    expect(provider.settings.weights, "a spec without --weights takes the spec's default mode").toBe("cached");
    // a matrix asked for in its stored type keeps the file's blocks (as llama-quantize does): no copy
    setQuant(model, {quant: "q4_k", weights: "fused"});
    const r = provider.residency();
    expect(r.packedBytes).toBeGreaterThan(0);
    expect(provider.report().find((m) => m.name === "attn_q")!.bytes).toBe(
      readFixtureJson<FixtureJson>("gguf", "rand-256.q4_k_m.json").tensors.find(
        (t) => t.name === "blk.0.attn_q.weight"
      )!.bytes
    );
  });

  it("--quant on an F32 file quantizes it: the weight mode follows the new spec unless one was asked for", async () => {
    const tokens = readFixtureJson<FixtureJson>("gguf", "rand-256.f32.json").token_ids;
    const plain = await load("rand-256.f32", false);
    setQuant(plain, {quant: "q8_0"});
    const expected = prefill(plain, tokens);
    const model = await load("rand-256.f32", true);
    expect((model.matrices as QuantMatrices).settings.weights).toBe("fp32"); // as in the file: nothing to dequantize
    const provider = setQuant(model, {quant: "q8_0"});
    expect(provider.settings.weights).toBe("cached");
    expect(provider.specText).toBe("q8_0");
    expect(maxAbsDiff(prefill(model, tokens), expected)).toBe(0);
    setQuant(model, {weights: "fp32"});
    setQuant(model, {quant: "q4_0"});
    expect(provider.settings.weights).toBe("fp32"); // chosen, so kept
  });

  it("an F32 file starts in fp32 'as in the file'; a --quant on it quantizes its floats in the spec's default mode", async () => {
    const model = await load("rand-256.f32", true);
    const provider = model.matrices as QuantMatrices;
    expect(provider.kind).toBe("fp32 (as in the file: 21 × F32)");
    expect(model.weights.wq.length).toBe(model.config.nLayers * model.config.dim * model.config.dim);
    setQuant(model, {quant: "q4_0"});
    expect(provider.kind).toBe("q4_0 cached");
  });

  it("fused mode on the wasm kernels runs the file's blocks in the FUSED_KERNELS (and gives the TS fused logits)", async () => {
    for (const stem of ["rand-256.q4_k_m", "rand-256.q5_1", "rand-256.bf16"]) {
      const tokens = readFixtureJson<FixtureJson>("gguf", `${stem}.json`).token_ids;
      const ts = await load(stem, true);
      setQuant(ts, {weights: "fused"});
      const expected = prefill(ts, tokens);
      const source = await openFileSource(fixturePath("gguf", `${stem}.gguf`));
      try {
        const {config, extraFloats} = ggufPlan(await readGguf(source));
        const engine = await runOnKernels(
          config,
          async (o) =>
            (await loadGgufModel(source, {...o, packed: true, matrices: (h) => quantMatrices(h, {weights: "fused"})}))
              .model,
          {kernels: "wasm", extraBytes: 4 * extraFloats}
        );
        try {
          const before = {...engine.calls!};
          const out = prefill(engine.model, tokens);
          expect(engine.calls!.wasm - before.wasm, `${stem}: wasm kernel calls`).toBeGreaterThan(0);
          expect(engine.calls!.fallback - before.fallback, `${stem}: reference fallbacks`).toBe(0);
          expectClose(out, expected, {atol: FUSED_TOL}, `${stem} wasm fused`);
        } finally {
          engine.close();
        }
      } finally {
        await source.close();
      }
    }
  });
});

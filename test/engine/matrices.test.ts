// The one weight-matrix vocabulary against a real file: every matrix the engine names (provider seam, spec grammar,
// reports) is the tensor of that name in a GGUF file written by llama.cpp's converter, value for value and shape for
// shape, so a learner who reads "blk.1.ffn_down" in a chart finds the same numbers under that name in the file.
import {describe, expect, it} from "vitest";
import {
  ggufTensorName,
  isLayerMatrix,
  layerViews,
  loadGgufModel,
  matrixShape,
  MATRIX_NAMES,
  WEIGHT_FIELD
} from "../../src/engine/index.ts";
import {LLAMA2C_NAMES} from "../../src/model-files/matrix-names.ts";
import {readGguf, readTensorBytes} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";

const sameBytes = (a: Float32Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("WEIGHT_FIELD and LLAMA2C_NAMES", () => {
  it("WEIGHT_FIELD[name] is the llama2.c name the spec grammar reads as name (tok_embeddings camel-cased)", () => {
    const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    const fromAliases = Object.fromEntries(Object.entries(LLAMA2C_NAMES).map(([alias, name]) => [name, camel(alias)]));
    expect(WEIGHT_FIELD).toEqual(fromAliases);
    expect(Object.keys(WEIGHT_FIELD).sort()).toEqual([...MATRIX_NAMES].sort());
  });
});

describeWithFixtures("gguf", "MATRIX_NAMES are the GGUF tensor names", () => {
  for (const file of ["stories260K.f32.gguf", "rand-256.f32.gguf"])
    it(`layerViews(model, name)[l] is tensor ggufTensorName(name, l) of ${file}`, async () => {
      const source = await openFileSource(fixturePath("gguf", file));
      try {
        const {model} = await loadGgufModel(source);
        const gguf = await readGguf(source);
        for (const name of MATRIX_NAMES) {
          const [d, n] = matrixShape(model.config, name);
          const layers = isLayerMatrix(name) ? model.config.nLayers : 1;
          for (let l = 0; l < layers; l++) {
            const info = gguf.tensor(ggufTensorName(name, l));
            // a tied classifier has no output.weight: the engine's output is token_embd
            if (!info && name === "output" && model.config.sharedClassifier) continue;
            expect(info?.shape, `${name} ${l}`).toEqual([n, d]); // ggml's ne order: the row length first
            const stored = await readTensorBytes(source, info!);
            expect(sameBytes(layerViews(model, name)[l]!, stored), `${name} ${l}`).toBe(true);
          }
        }
      } finally {
        await source.close();
      }
    });
});

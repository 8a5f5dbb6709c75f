// What the loader was given, sorted out before anything loads: one GGUF file, or a Hugging Face folder's files
// previewed from config.json and the safetensors headers; anything else is refused saying what is expected.
import {expect, it} from "vitest";
import {describeWithFixtures, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {readDiskModel} from "../../src/lessons/common/disk-model.ts";
import {formatTypeCounts} from "../../src/lessons/common/gguf-preview.ts";

const file = (name: string, bytes: Uint8Array) => ({name, blob: new Blob([bytes as Uint8Array<ArrayBuffer>])});
const folderFiles = (folder: string) => [
  file("config.json", readFixture("hf", folder, "config.json")),
  file("model.safetensors", readFixture("hf", folder, "model.safetensors"))
];

interface HfJson {
  config: {hidden_size: number; num_hidden_layers: number; max_position_embeddings: number};
  safetensors: {tensors: {dtype: string}[]};
}

describeWithFixtures("hf", "readDiskModel(files, folder)", () => {
  for (const folder of ["rand-256-llama-bf16", "rand-256-qwen2"]) {
    it(`readDiskModel(${folder}'s files, "${folder}") previews the folder: config.json's shape, safetensors dtypes`, async () => {
      const json = readFixtureJson<HfJson>("hf", `${folder}.json`);
      const m = await readDiskModel(folderFiles(folder), folder);
      expect(m.kind).toBe("hf");
      expect(m.name).toBe(folder);
      expect(m.preview.format).toBe("Hugging Face");
      expect(m.preview.config.dim).toBe(json.config.hidden_size);
      expect(m.preview.config.nLayers).toBe(json.config.num_hidden_layers);
      expect(m.preview.contextLength).toBe(json.config.max_position_embeddings);
      const dtypes = json.safetensors.tensors.map((t) => t.dtype);
      expect(formatTypeCounts(m.preview.types)).toBe(`${dtypes.length} × ${dtypes[0]}`);
      expect(m.preview.tokenizer).toBeNull();
      expect(m.preview.tokenizerProblem).toMatch(/^the folder has no tokenizer\.json/);
      expect(m.bytes).toBe(m.files.reduce((s, f) => s + f.blob.size, 0));
    });
  }

  it("readDiskModel(files, null) names a folder given as loose files hf-model", async () => {
    expect((await readDiskModel(folderFiles("rand-256-qwen2"), null)).name).toBe("hf-model");
  });

  it("readDiskModel(files) refuses several files without config.json, and several GGUF files", async () => {
    const st = file("model.safetensors", readFixture("hf", "rand-256-qwen2", "model.safetensors"));
    await expect(readDiskModel([st, file("a.txt", new Uint8Array(3))], null)).rejects.toThrow(
      "2 files were given without a config.json (model.safetensors, a.txt): a Hugging Face folder needs config.json and model.safetensors; a GGUF model is one .gguf file"
    );
    const g = readFixture("gguf", "stories260K.q8_0.gguf");
    await expect(readDiskModel([file("a.gguf", g), file("b.gguf", g)], null)).rejects.toThrow(
      "2 GGUF files were given (a.gguf, b.gguf); load one at a time"
    );
  });

  it("readDiskModel([config.json]) refuses a folder without weights", async () => {
    await expect(
      readDiskModel([file("config.json", readFixture("hf", "rand-256-qwen2", "config.json"))], "q")
    ).rejects.toThrow(
      "q: weights: are missing: a Hugging Face folder needs model.safetensors (or model.safetensors.index.json and its shards)"
    );
  });

  it("readDiskModel([one .gguf]) is that GGUF file, named without .gguf", async () => {
    const m = await readDiskModel([file("stories260K.q8_0.gguf", readFixture("gguf", "stories260K.q8_0.gguf"))], null);
    expect([m.kind, m.name, m.preview.format]).toEqual(["gguf", "stories260K.q8_0", "GGUF"]);
  });
});

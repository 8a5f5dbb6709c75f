// The GGUF fixtures (../shared/fixtures/gguf) as tests open them: a model file loaded, and llama.cpp's logits for it.
import {loadGgufModel, type GgufModel} from "../../src/engine/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {fixturePath, readFixtureF32, readFixtureJson} from "./fixtures.ts";

export async function openGgufFixture(file: string, ctx?: number): Promise<GgufModel> {
  const source = await openFileSource(fixturePath("gguf", file));
  try {
    return await loadGgufModel(source, {ctx});
  } finally {
    await source.close();
  }
}

interface FixtureJson {
  token_ids: number[];
  logits_shape: [number, number];
}

export function fixtureLogits(stem: string): {tokens: number[]; logits: Float32Array; V: number} {
  const json = readFixtureJson<FixtureJson>("gguf", `${stem}.json`);
  return {tokens: json.token_ids, logits: readFixtureF32("gguf", `${stem}.logits.f32`), V: json.logits_shape[1]};
}

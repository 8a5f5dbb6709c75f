// The GGUF fixtures (../shared/fixtures/gguf) as tests open them: a model file loaded, and llama.cpp's logits for it.
import {createHash} from "node:crypto";
import {existsSync, readdirSync} from "node:fs";
import {loadGgufModel, type GgufModel} from "../../src/engine/index.ts";
import {bytesSource, readGguf, readTensorBytes, type GgufFile} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {PRESETS} from "../../src/quant/presets/index.ts";
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

/** The shared GGUF files stored in block types (llama.cpp's logits beside each), by stem. */
export const QUANTIZED_GGUF_FIXTURES = [
  "stories260K.q8_0",
  "rand-256.f16",
  "rand-256.bf16",
  "rand-256.q8_0",
  "rand-256.q4_0",
  "rand-256.q4_1",
  "rand-256.q5_0",
  "rand-256.q5_1",
  "rand-256.iq4_nl",
  "rand-256.q4_k_m",
  "rand-256.q6_k",
  "rand-256-tied.q8_0",
  "rand-256-rope-llama3.q8_0"
];

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A rand-256.<preset>.json: the file's hash and llama-quantize's per-tensor types. */
export interface PresetFixtureJson {
  sha256: string;
  tensors: {name: string; type: string; ne: number[]; bytes: number}[];
}

/** The presets llama-quantize wrote a rand-256.<preset>.gguf for (from rand-256.f32.gguf), read from the folder. */
export function presetFixtures(): string[] {
  if (!existsSync(fixturePath("gguf"))) return [];
  const names = new Set(PRESETS.map((p) => p.name.toLowerCase()));
  return readdirSync(fixturePath("gguf"))
    .map((f) => /^rand-256\.(\w+)\.gguf$/.exec(f)?.[1])
    .filter((p): p is string => p !== undefined && names.has(p))
    .map((p) => p.toUpperCase())
    .sort();
}

/** A GGUF file's header and every tensor's stored bytes by name. */
export async function ggufTensors(bytes: Uint8Array): Promise<[GgufFile, Map<string, Uint8Array>]> {
  const source = bytesSource(bytes);
  const gguf = await readGguf(source);
  const data = new Map<string, Uint8Array>();
  for (const t of gguf.tensors) data.set(t.name, await readTensorBytes(source, t));
  return [gguf, data];
}

import {readFileSync} from "node:fs";
import {loadModelFromFiles} from "../../src/engine/load.node.ts";
import {fixturePath, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";

/** One llama2.c reference run (see ../shared/fixtures/llama2c/README.md). */
export interface FixtureCase {
  checkpoint: string;
  tokenizer: string;
  prompt: string;
  steps: number;
  prompt_tokens: number[];
  input_tokens: number[];
  argmax: number[];
  logits_file: string;
  logits_shape: [number, number];
  stdout_text: string;
}

export const CASES = ["stories260K-once-upon", "tiny-gqa-unshared"] as const;

/** max |diff| per logits row allowed against llama2.c */
export const LOGITS_ATOL = 1e-4;

export function readCase(name: string) {
  const json = readFixtureJson<FixtureCase>("llama2c", `${name}.json`);
  return {json, logits: readFixtureF32("llama2c", json.logits_file)};
}

export function loadCase(json: FixtureCase) {
  return loadModelFromFiles(fixturePath("llama2c", json.checkpoint), fixturePath("llama2c", json.tokenizer));
}

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath("llama2c", file)));
}

/** Deterministic values in [-1, 1): a 32-bit LCG. */
export function lcg(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

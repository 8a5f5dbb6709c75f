// KV-cache types against llama.cpp's logits for rand-256.f32 with an F16 cache and a Q8_0 K cache
// (../shared/fixtures/gguf, rand-256.f32.kv-*.logits.f32). The emulation of the README (the json's
// numpy_check_kv_emulation) agrees to ≤ 1.7e-6 except where an fp16 or Q8_0 rounding flips on float32 ordering noise
// (f16: ≤ 1.5e-4 there; k_q8_0: 5.3e-5 at position 11). Which positions flip depends on the summation order (ours flip
// at 4 and 14 for f16, the README's at 4 and 7–14), so every position must be within the README's measured error
// (max_abs_diff) plus MARGIN, and the f32 cache (the wrong type) must not be.
import {expect, it} from "vitest";
import {prefill} from "../../src/engine/index.ts";
import type {KvType} from "../../src/engine/kv-cache.ts";
import {maxAbsDiff} from "../helpers/expect-close.ts";
import {describeWithFixtures, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";
import {fixtureLogits, openGgufFixture} from "../helpers/gguf-fixtures.ts";

/** float32 summation order on top of the README's emulation error */
const MARGIN = 1e-5;

async function perPosition(kv: KvType, stem: string): Promise<number[]> {
  const gguf = await openGgufFixture("rand-256.f32.gguf");
  gguf.model.kv = kv;
  const {tokens, V} = fixtureLogits("rand-256.f32");
  const expected = readFixtureF32("gguf", `${stem}.logits.f32`);
  const ours = prefill(gguf.model, tokens);
  return tokens.map((_, p) => maxAbsDiff(ours.subarray(p * V, (p + 1) * V), expected.subarray(p * V, (p + 1) * V)));
}

describeWithFixtures("gguf", "--kv: llama.cpp's KV-cache types", () => {
  for (const [kv, stem] of [
    ["f16", "rand-256.f32.kv-f16"],
    ["q8_0", "rand-256.f32.kv-k_q8_0"]
  ] as const) {
    it(`${kv}: every position within the README's emulation error (${stem})`, async () => {
      const emulation = readFixtureJson("gguf", `${stem}.json`).numpy_check_kv_emulation;
      const bound = (emulation.max_abs_diff as number) + MARGIN;
      const diffs = await perPosition(kv, stem);
      console.log(`--kv ${kv}: max |Δ| per position ${diffs.map((d) => d.toExponential(1)).join(" ")}`);
      diffs.forEach((d, p) => expect(d, `position ${p}`).toBeLessThan(bound));
      const f32 = await perPosition("f32", stem);
      expect(Math.max(...f32)).toBeGreaterThan(bound);
    });
  }
});

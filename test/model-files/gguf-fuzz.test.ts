// Mutated and truncated GGUF files: each must give a GgufError or a load whose every tensor lies inside the file,
// and no allocation made from a size in the file may exceed the file. A crash (RangeError, TypeError…), a hang
// (the time bound) or an oversized allocation fails the test.
import {describe, expect, it} from "vitest";
import {Rng} from "../../src/engine/rng.ts";
import {bytesSource, GgufError, readGguf, readTensorBytes} from "../../src/model-files/gguf/index.ts";
import {describeWithFixtures, readFixture} from "../helpers/fixtures.ts";
import {mutate} from "./gguf-mutate.ts";
import {sampleFile, writeGguf} from "./gguf-writer.ts";

const CASES_PER_BASE = 600;
const TIME_BOUND_MS = 30_000;

async function check(bytes: Uint8Array): Promise<"loaded" | "refused"> {
  let largest = 0;
  const watch = (b: number) => (largest = Math.max(largest, b));
  const source = bytesSource(bytes, "fuzz.gguf");
  try {
    const g = await readGguf(source, {onAllocate: watch});
    for (const t of g.tensors) {
      expect(t.fileOffset + t.size).toBeLessThanOrEqual(bytes.length);
      expect(t.fileOffset % g.alignment).toBe(0);
      expect((await readTensorBytes(source, t, {onAllocate: watch})).length).toBe(t.size);
    }
    return "loaded";
  } catch (error) {
    if (!(error instanceof GgufError)) throw error;
    expect(error.message.length).toBeGreaterThan(20);
    return "refused";
  } finally {
    expect(largest).toBeLessThanOrEqual(bytes.length);
  }
}

function fuzz(name: string, make: () => Uint8Array) {
  it(
    `${CASES_PER_BASE} variants of ${name}: a GgufError or a correct load, never a crash or an oversized allocation`,
    async () => {
      const base = make();
      const headerEnd = (await readGguf(bytesSource(base))).dataOffset;
      const rng = new Rng(0x6775 + base.length);
      const outcome = {loaded: 0, refused: 0};
      for (let i = 0; i < CASES_PER_BASE; i++) outcome[await check(mutate(base, headerEnd, rng))]++;
      // both outcomes occur, so the mutations neither all miss nor all break the structure
      expect(outcome.loaded).toBeGreaterThan(0);
      expect(outcome.refused).toBeGreaterThan(CASES_PER_BASE / 4);
    },
    TIME_BOUND_MS
  );
}

describe("readGguf(source) on mutated and truncated files", () => {
  fuzz("the sample file (every value type, nested arrays)", () => writeGguf(sampleFile()));
});

describeWithFixtures("gguf", "readGguf(source) on mutated and truncated llama.cpp files", () => {
  fuzz("stories260K.q8_0.gguf", () => readFixture("gguf", "stories260K.q8_0.gguf"));
});

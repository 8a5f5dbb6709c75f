// loadGgufModel on mutated and truncated llama.cpp files: each variant is a clear refusal (a GgufError naming the key
// or tensor, or the engine's own `invalid …` / memory message) or a model that runs a token; never a crash (RangeError,
// TypeError…), a hang (the time bound), or an allocation made from a size in the file that is larger than the file
// (every one passes the reader's FileBudget, watched here through onAllocate).
import {expect, it} from "vitest";
import {forward, loadGgufModel} from "../../src/engine/index.ts";
import {Rng} from "../../src/engine/rng.ts";
import {bytesSource, GgufError, readGguf} from "../../src/model-files/gguf/index.ts";
import {describeWithFixtures, readFixture} from "../helpers/fixtures.ts";
import {mutate} from "../model-files/gguf-mutate.ts";

const CASES = 600;
const TIME_BOUND_MS = 30_000;
/** a model budget far above stories260K's few MB, far below what a corrupt dimension could ask for */
const MAX_BYTES = 64 * 2 ** 20;

async function check(bytes: Uint8Array): Promise<"ran" | "refused"> {
  let largest = 0;
  try {
    const {model} = await loadGgufModel(bytesSource(bytes, "fuzz.gguf"), {
      maxBytes: MAX_BYTES,
      ctx: 8,
      onAllocate: (b) => (largest = Math.max(largest, b))
    });
    expect(forward(model, 1, 0)).toHaveLength(model.config.vocabSize);
    return "ran";
  } catch (error) {
    // the engine's own refusals are plain Errors with a sentence; anything else (TypeError, RangeError) is a crash
    if (!(error instanceof GgufError) && (error as Error).constructor !== Error) throw error;
    expect((error as Error).message).toMatch(/.{20}/);
    return "refused";
  } finally {
    expect(largest).toBeLessThanOrEqual(bytes.length);
  }
}

describeWithFixtures("gguf", "loadGgufModel(source) on mutated and truncated files", () => {
  it(
    `${CASES} variants of stories260K.q8_0.gguf: a clear refusal or a model that runs, never a crash`,
    async () => {
      const base = readFixture("gguf", "stories260K.q8_0.gguf");
      const headerEnd = (await readGguf(bytesSource(base))).dataOffset;
      const rng = new Rng(0x1f2e);
      const outcome = {ran: 0, refused: 0};
      for (let i = 0; i < CASES; i++) outcome[await check(mutate(base, headerEnd, rng))]++;
      console.log(`loadGgufModel fuzz: ${outcome.ran} ran, ${outcome.refused} refused`);
      expect(outcome.ran).toBeGreaterThan(0);
      expect(outcome.refused).toBeGreaterThan(CASES / 4);
    },
    TIME_BOUND_MS
  );

  it("every truncation of the file's header and first tensors is refused, naming where it ended", async () => {
    const base = readFixture("gguf", "stories260K.q8_0.gguf");
    const headerEnd = (await readGguf(bytesSource(base))).dataOffset;
    for (let n = 0; n < headerEnd + 4096; n += 37)
      expect(await check(base.subarray(0, n)), `${n} bytes`).toBe("refused");
  });
});

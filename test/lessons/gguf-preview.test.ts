// The GGUF preview the model picker shows before loading: metadata and tensor types read from the header alone, the
// memory each weight mode would hold, and the reader's refusals for files that cannot run.
import {expect, it} from "vitest";
import {describeWithFixtures, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {modelBytes, weightsFloats} from "../../src/engine/index.ts";
import {bytesSource} from "../../src/model-files/gguf/index.ts";
import {
  formatTypeCounts,
  memoryPlan,
  memoryRefusal,
  previewGgufSource,
  typeCounts
} from "../../src/lessons/common/gguf-preview.ts";
import {vocabModelText} from "../../src/lessons/common/model-text.ts";

interface FixtureJson {
  bytes: number;
  metadata: Record<string, unknown>;
  tensors: {name: string; type: string; bytes: number}[];
}

const preview = (file: string, bytes = readFixture("gguf", file)) => previewGgufSource(bytesSource(bytes, file));
const MiB = 2 ** 20;

/** The fixture's tensor table as {type: [tensors, bytes]}, from its JSON (written by gguf-py, not by our reader). */
function expectedTypes(json: FixtureJson): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  for (const t of json.tensors) {
    const [n, b] = m.get(t.type) ?? [0, 0];
    m.set(t.type, [n + 1, b + t.bytes]);
  }
  return m;
}

describeWithFixtures("gguf", "previewGguf(gguf)", () => {
  for (const file of ["rand-256.q4_k_m.gguf", "stories260K.q8_0.gguf"]) {
    it(`previewGgufSource(${file}) reads the shape, metadata and tensor types the fixture's JSON lists`, async () => {
      const json = readFixtureJson<FixtureJson>("gguf", file.replace(/\.gguf$/, ".json"));
      const p = await preview(file);
      const m = json.metadata;
      expect(p.architecture).toBe(m["general.architecture"]);
      expect(p.name).toBe(m["general.name"] ?? null);
      expect(p.config.dim).toBe(m["llama.embedding_length"]);
      expect(p.config.hiddenDim).toBe(m["llama.feed_forward_length"]);
      expect(p.config.nLayers).toBe(m["llama.block_count"]);
      expect(p.config.nKvHeads).toBe(m["llama.attention.head_count_kv"]);
      expect(p.config.vocabSize).toBe((m["tokenizer.ggml.tokens"] as {n: number}).n);
      expect(p.contextLength).toBe(m["llama.context_length"]);
      const types = expectedTypes(json);
      expect(new Map(p.types.map((t) => [t.type, [t.tensors, t.bytes]]))).toEqual(types);
      expect(p.tensorBytes).toBe(json.tensors.reduce((s, t) => s + t.bytes, 0));
      // most tensors first
      const counts = p.types.map((t) => t.tensors);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(p.tokenizer?.size).toBe(p.config.vocabSize);
      expect(p.tokenizerProblem).toBeNull();
    });
  }

  it('formatTypeCounts(typeCounts(gguf)) is "13 × Q4_K, 5 × F32, 3 × Q6_K" for rand-256.q4_k_m (README: 13 × Q4_K, 3 × Q6_K, 5 × F32)', async () => {
    const p = await preview("rand-256.q4_k_m.gguf");
    expect(formatTypeCounts(typeCounts(p.gguf))).toBe("13 × Q4_K, 5 × F32, 3 × Q6_K");
  });

  it("vocabModelText(tokenizer) encodes with BOS and drops the leading space of the piece after BOS", async () => {
    const p = await preview("stories260K.q8_0.gguf");
    const text = vocabModelText(p.tokenizer!);
    const ids = text.encode("Once upon a time");
    // token_ids of the fixtures start with BOS (1) and "Once" (403), as llama2.c feeds "Once upon a time"
    expect(ids.slice(0, 2)).toEqual([1, 403]);
    const once = new TextDecoder().decode(text.pieceBytes(1, 403));
    expect(once).toBe("Once");
    expect(new TextDecoder().decode(text.pieceBytes(403, 407))).toMatch(/^ /);
  });

  it("memoryPlan(preview, budget): packed modes hold the file's tensors, cached adds float32, fp32 float32 only", async () => {
    const p = await preview("rand-256.q4_k_m.gguf");
    const budget = {bytes: 2 ** 40, source: "test"};
    const plan = memoryPlan(p, budget);
    const by = Object.fromEntries(plan.rows.map((r) => [r.mode, r]));
    const fp32 = 4 * weightsFloats(p.config);
    expect(plan.runStateBytes).toBe(modelBytes(p.config) - fp32);
    expect(by.fused!.bytes).toBe(p.tensorBytes + plan.runStateBytes);
    expect(by.dequant!.bytes).toBeGreaterThan(by.fused!.bytes);
    expect(by.cached!.bytes).toBe(p.tensorBytes + fp32 + plan.runStateBytes);
    expect(by.fp32!.bytes).toBe(fp32 + plan.runStateBytes);
    // Q4_K packs a matrix in about 4.5 bits per weight: the packed plan is far below float32
    expect(by.fused!.bytes).toBeLessThan(by.fp32!.bytes / 3);
    expect(plan.rows.every((r) => r.fits)).toBe(true);
    expect(plan.loadFits).toBe(true);
    expect(memoryRefusal(plan, "x")).toBeNull();
  });

  it("memoryRefusal(plan, what) names what loading needs and the modes that would fit", async () => {
    const p = await preview("rand-256.q4_k_m.gguf");
    const generous = memoryPlan(p, {bytes: 2 ** 40, source: "test"});
    const by = Object.fromEntries(generous.rows.map((r) => [r.mode, r.bytes]));
    // room for the packed modes only
    const budget = {bytes: by.dequant!, source: "a test budget"};
    const plan = memoryPlan(p, budget);
    expect(plan.rows.map((r) => [r.mode, r.fits])).toEqual([
      ["fused", true],
      ["dequant", true],
      ["cached", false],
      ["fp32", false]
    ]);
    expect(plan.loadFits).toBe(false);
    expect(memoryRefusal(plan, "the model rand")).toMatch(
      /^not enough memory for the model rand: loading it here needs [\d.]+ MiB .*about [\d.]+ MiB available \(a test budget\); modes that would fit once the weights stay packed: fused \([\d.]+ MiB\), dequant \([\d.]+ MiB\); close other tabs/
    );
    const none = memoryPlan(p, {bytes: MiB / 8, source: "tiny"});
    expect(memoryRefusal(none, "m")).toContain("no weight mode fits");
  });
});

describeWithFixtures("gguf", "previewGguf(gguf) refusals", () => {
  const good = () => readFixture("gguf", "rand-256.q4_k_m.gguf");

  it("a truncated file: the tensor that runs past the end, and that the file is truncated", async () => {
    await expect(preview("cut.gguf", good().subarray(0, 500_000))).rejects.toThrow(
      /^cut\.gguf: tensor "[^"]+" at byte \d+: data .* runs past the end of the file \(500000 bytes\); the file is truncated$/
    );
  });

  it("a file that is not GGUF: what it starts with", async () => {
    await expect(preview("notes.gguf", new TextEncoder().encode("hello, this is text"))).rejects.toThrow(
      /^notes\.gguf: header at byte 0: starts with 68 65 6c 6c, not "GGUF": this is not a GGUF file$/
    );
  });

  it("absurd counts: a tensor count the file cannot hold is refused before anything is allocated", async () => {
    const bytes = good().slice();
    new DataView(bytes.buffer).setBigUint64(8, 1n << 40n, true); // tensor count
    await expect(preview("absurd.gguf", bytes)).rejects.toThrow(
      /^absurd\.gguf: tensor count at byte 8: is 1099511627776, but the \d+ bytes after the header have room for at most \d+; the file is corrupt or truncated$/
    );
  });

  it("another architecture: the key and what runs here", async () => {
    const bytes = good().slice();
    const key = new TextEncoder().encode("general.architecture");
    const at = indexOf(bytes, key);
    // key, then the value type (u32 8 = string), its length (u64 5) and "llama"
    const value = at + key.length + 4 + 8;
    expect(new TextDecoder().decode(bytes.subarray(value, value + 5))).toBe("llama");
    bytes.set(new TextEncoder().encode("mamba"), value);
    await expect(preview("mamba.gguf", bytes)).rejects.toThrow(
      /^mamba\.gguf: key "general\.architecture" at byte \d+: is "mamba"; only "llama" .* and "qwen2" .* run here$/
    );
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

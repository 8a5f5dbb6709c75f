import {readdirSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {
  blobSource,
  bytesSource,
  GgufError,
  readGguf,
  readTensorBytes,
  type GgufArray,
  type GgufFile
} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {describeWithFixtures, fixturePath, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {sampleFile, writeGguf, type TestFile} from "./gguf-writer.ts";

async function read(f: TestFile): Promise<GgufFile> {
  return readGguf(bytesSource(writeGguf(f), "test.gguf"));
}

/** Reading fails with one GgufError whose message names the subject and the byte offset. */
async function expectRefusal(bytes: Uint8Array, subject: string, offset: number | undefined, problem: RegExp) {
  const error = await readGguf(bytesSource(bytes, "bad.gguf")).then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error, `expected a refusal about ${subject}`).toBeInstanceOf(GgufError);
  const e = error as GgufError;
  expect(e.subject).toBe(subject);
  expect(e.offset).toBe(offset);
  expect(e.message).toMatch(problem);
  expect(e.message).toContain("bad.gguf");
}

const sample = sampleFile();
const sampleBytes = writeGguf(sample);
/** byte offset of the first occurrence of `text` in the file */
const offsetOf = (bytes: Uint8Array, text: string) => Buffer.from(bytes).indexOf(text);

describe("readGguf(source): every value type", () => {
  it("reads scalars, strings, typed arrays and nested arrays as written", async () => {
    const g = await read(sample);
    const m = g.metadata;
    expect(g.version).toBe(3);
    expect(m.entries.map((e) => e.key)).toEqual(sample.kv!.map(([k]) => k));
    expect(m.getString("general.architecture")).toBe("llama");
    expect(m.get("t.u8")?.value).toBe(200);
    expect(m.get("t.i8")?.value).toBe(-100);
    expect(m.get("t.u16")?.value).toBe(60000);
    expect(m.get("t.i16")?.value).toBe(-30000);
    expect(m.getU32("t.u32")).toBe(4000000000);
    expect(m.getI32("t.i32")).toBe(-2000000000);
    expect(m.getF32("t.f32")).toBe(1.5);
    expect(m.getBool("t.bool")).toBe(true);
    expect(m.get("t.u64")?.value).toBe(2n ** 60n);
    expect(m.get("t.i64")?.value).toBe(-(2n ** 60n));
    expect(m.get("t.f64")?.value).toBe(Math.PI);
    expect(m.getString("t.string")).toBe("héllo ▁wörld");
    expect(m.getStringArray("t.strings")).toEqual(["a", "", "▁b", "<0x0A>"]);
    expect([...m.getF32Array("t.f32s")]).toEqual([0.5, -2, 3.25]);
    expect([...m.getI32Array("t.i32s")]).toEqual([1, -2, 3]);
    expect(m.getArray("t.bools", "bool").values).toEqual([true, false, true]);
    expect([...(m.getArray("t.u64s").values as BigUint64Array)]).toEqual([1n, 2n ** 63n]);
    const nested = m.getArray("t.nested", "array").values as GgufArray[];
    expect(nested.map((a) => a.itemType)).toEqual(["u16", "string"]);
    expect([...(nested[0]!.values as Uint16Array)]).toEqual([1, 2]);
    expect(nested[1]!.values).toEqual(["x"]);
  });

  it("accessors check types the way llama.cpp's loader does, and name the key and its offset", async () => {
    const m = (await read(sample)).metadata;
    const at = offsetOf(sampleBytes, "t.u8") - 8;
    expect(() => m.getU32("t.u8")).toThrow(`key "t.u8" at byte ${at}: has type u8, expected u32`);
    expect(() => m.getStringArray("t.f32s")).toThrow("is an array of f32, expected an array of string");
    expect(() => m.getU32("llama.block_count")).toThrow(`key "llama.block_count": is missing`);
    expect(m.getU32("llama.block_count", 7)).toBe(7);
    expect(() => m.getU64("t.u64")).toThrow("is 1152921504606846976, too large to use as a number");
  });

  it("reads v2 files and a general.alignment of 64", async () => {
    const g = await read(
      sampleFile({version: 2, alignment: 64, kv: [["general.alignment", {type: "u32", value: 64}]]})
    );
    expect(g.version).toBe(2);
    expect(g.alignment).toBe(64);
    expect(g.dataOffset % 64).toBe(0);
    for (const t of g.tensors) expect(t.offset % 64).toBe(0);
  });
});

describe("readGguf(source): tensor infos and readTensorBytes", () => {
  it("gives each tensor's type, shape, size and place, and reads exactly its bytes", async () => {
    const g = await read(sample);
    expect(g.tensors.map((t) => [t.name, t.type.name, t.shape, t.count, t.size])).toEqual([
      ["a.f32", "F32", [4, 3], 12, 48],
      ["b.q8_0", "Q8_0", [64, 2], 128, 136],
      ["c.q4_k", "Q4_K", [256], 256, 144],
      ["d.f16", "F16", [5], 5, 10],
      ["e.empty", "F32", [0, 7], 0, 0]
    ]);
    expect(g.dataOffset % 32).toBe(0);
    const source = bytesSource(sampleBytes);
    for (const [i, t] of g.tensors.entries()) {
      expect(t.fileOffset).toBe(g.dataOffset + t.offset);
      const bytes = await readTensorBytes(source, t);
      expect([...bytes]).toEqual(Array.from({length: t.size}, (_, k) => (i * 31 + k) & 0xff));
    }
    expect(g.tensor("c.q4_k")).toBe(g.tensors[2]);
    expect(g.tensor("nope")).toBeUndefined();
  });

  it("reads by ranges from a Blob (the browser's File)", async () => {
    const fromBlob = await readGguf(blobSource(new Blob([sampleBytes as BlobPart]), "x.gguf"));
    const t = fromBlob.tensor("b.q8_0")!;
    const expected = sampleBytes.subarray(t.fileOffset, t.fileOffset + t.size);
    expect(await readTensorBytes(blobSource(new Blob([sampleBytes as BlobPart])), t)).toEqual(expected);
  });
});

describe("readGguf(source): refusals name the field and its offset", () => {
  const header = (version: number, nTensors: bigint, nKv: bigint, littleEndian = true) => {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    b.set(new TextEncoder().encode("GGUF"));
    dv.setUint32(4, version, littleEndian);
    dv.setBigUint64(8, nTensors, littleEndian);
    dv.setBigUint64(16, nKv, littleEndian);
    return b;
  };

  it("not GGUF, v1, a newer version, big-endian", async () => {
    await expectRefusal(new TextEncoder().encode("ak42...................."), "header", 0, /not "GGUF"/);
    await expectRefusal(header(1, 0n, 0n), "version", 4, /v1 is not supported/);
    await expectRefusal(header(4, 0n, 0n), "version", 4, /only GGUF v2 and v3/);
    await expectRefusal(header(3, 0n, 0n, false), "version", 4, /big-endian/);
    const fugg = header(3, 0n, 0n, false);
    fugg.set(new TextEncoder().encode("FUGG"));
    await expectRefusal(fugg, "header", 0, /big-endian/);
  });

  it("counts larger than the file could hold, before allocating", async () => {
    await expectRefusal(header(3, 2n ** 62n, 0n), "tensor count", 8, /room for at most 0/);
    await expectRefusal(header(3, 0n, 2n ** 64n - 1n), "metadata key count", 16, /room for at most 0/);
  });

  it("truncation anywhere is an error at the field that runs past the end", async () => {
    await expectRefusal(sampleBytes.subarray(0, 10), "header", 4, /truncated/);
    const cut = offsetOf(sampleBytes, "t.f32s") + 3;
    await expectRefusal(sampleBytes.subarray(0, cut), "metadata key #14", cut - 11, /runs past the end/);
    await expectRefusal(
      writeGguf({...sample, tensors: sample.tensors!.slice(0, 4), truncate: 1}),
      `tensor "d.f16"`,
      offsetOf(sampleBytes, "d.f16") - 8,
      /runs past the end of the file/
    );
  });

  it("duplicate keys and tensor names", async () => {
    const kv = sample.kv!;
    const dupKey = writeGguf({...sample, kv: [...kv, ["t.u8", {type: "u8", value: 1}]]});
    const first = offsetOf(dupKey, "t.u8") - 8;
    await expectRefusal(
      dupKey,
      `key "t.u8"`,
      dupKey.lastIndexOf(0x74, Buffer.from(dupKey).lastIndexOf("t.u8")) - 8,
      new RegExp(`duplicated \\(first at byte ${first}\\)`)
    );
    const t = sample.tensors!;
    const dupTensor = writeGguf({...sample, tensors: [...t, {...t[0]!, offset: undefined}]});
    await expectRefusal(dupTensor, `tensor "a.f32"`, Buffer.from(dupTensor).lastIndexOf("a.f32") - 8, /duplicated/);
  });

  it("unknown and removed value and tensor types, too many dimensions, bad shapes", async () => {
    const bytes = writeGguf(sample);
    const typeAt = offsetOf(bytes, "t.u8") + 4;
    const badType = bytes.slice();
    new DataView(badType.buffer).setInt32(typeAt, 13, true);
    await expectRefusal(badType, `key "t.u8"`, typeAt, /unknown value type id 13/);

    const one = (shape: number[], type: number, size = 0) =>
      writeGguf({kv: [], tensors: [{name: "w", type, shape, size}]});
    const infoAt = 24;
    await expectRefusal(one([1, 1, 1, 1, 1], 0), `tensor "w"`, infoAt + 9, /5 dimensions; ggml allows at most 4/);
    await expectRefusal(one([32], 39), `tensor "w"`, infoAt + 9 + 4 + 8, /unknown ggml type id 39/);
    await expectRefusal(one([32], 31), `tensor "w"`, infoAt + 9 + 4 + 8, /Q4_0_4_4 support has been removed/);
    await expectRefusal(
      one([48], 8),
      `tensor "w"`,
      infoAt + 9 + 4 + 8,
      /rows of 48 values, not a multiple of its block size 32/
    );
    await expectRefusal(
      one([2 ** 40, 2 ** 40], 0),
      `tensor "w"`,
      infoAt,
      /needs 4835703278458516698824704 bytes, more than the whole file/
    );
    const negative = one([4], 0, 16);
    new DataView(negative.buffer).setBigInt64(infoAt + 9 + 4, -4n, true);
    await expectRefusal(negative, `tensor "w"`, infoAt + 9 + 4, /dimension 0 is negative/);
    const long = "x".repeat(64);
    await expectRefusal(
      writeGguf({tensors: [{name: long, type: 0, shape: [1], size: 4}]}),
      `tensor "${long}"`,
      24,
      /longer than ggml's 63 bytes/
    );
  });

  it("general.alignment must be a u32 power of two", async () => {
    const withAlign = (type: "u32" | "u64", value: number) =>
      writeGguf({...sample, kv: [["general.alignment", {type, value}]]});
    await expectRefusal(withAlign("u32", 48), `key "general.alignment"`, 24, /is 48, must be a power of two/);
    await expectRefusal(withAlign("u32", 0), `key "general.alignment"`, 24, /is 0, must be a power of two/);
    await expectRefusal(withAlign("u64", 32), `key "general.alignment"`, 24, /has type u64, must be u32/);
  });

  it("misaligned, overlapping and out-of-file tensors", async () => {
    const t = (name: string, offset: number, size = 16) => ({name, type: 0, shape: [size / 4], size, offset});
    const info = (bytes: Uint8Array, name: string) => offsetOf(bytes, name) - 8;
    const misaligned = writeGguf({tensors: [t("a", 0), t("b", 40)]});
    await expectRefusal(
      misaligned,
      `tensor "b"`,
      info(misaligned, "b"),
      /data offset 40 is not a multiple of general.alignment \(32\)/
    );
    const overlap = writeGguf({tensors: [t("a", 0, 64), t("b", 32)]});
    await expectRefusal(overlap, `tensor "b"`, info(overlap, "b"), /overlaps tensor "a"/);
    const past = writeGguf({tensors: [t("a", 0)], truncate: 4});
    await expectRefusal(past, `tensor "a"`, info(past, "a"), /runs past the end of the file/);
  });

  it("nested arrays deeper than 8 are refused, not recursed into", async () => {
    let v: {type: "array"; itemType: "u8" | "array"; value: unknown[]} = {type: "array", itemType: "u8", value: [1]};
    for (let i = 0; i < 9; i++) v = {type: "array", itemType: "array", value: [v]};
    const bytes = writeGguf({kv: [["deep", v]]});
    await expect(readGguf(bytesSource(bytes))).rejects.toThrow(
      /key "deep"\[0\]\[0\]\[0\]\[0\]\[0\]\[0\]\[0\]\[0\] at byte \d+: nests arrays more than 8 deep/
    );
  });
});

describeWithFixtures("gguf", "readGguf(source): the files llama.cpp wrote", () => {
  const files = readdirSync(fixturePath("gguf")).filter((f) => f.endsWith(".gguf"));

  it.each(files)("%s: metadata and tensor table as llama.cpp's tools report them", async (file) => {
    const json = readFixtureJson<{
      bytes: number;
      metadata: Record<string, unknown>;
      tensors: {name: string; type: string; ne: number[]; bytes: number}[];
    }>("gguf", file.replace(/\.gguf$/, ".json"));
    let largest = 0;
    const source = await openFileSource(fixturePath("gguf", file));
    try {
      const g = await readGguf(source, {onAllocate: (b) => (largest = Math.max(largest, b))});
      expect(g.size).toBe(json.bytes);
      expect(new Set(g.metadata.entries.map((e) => e.key))).toEqual(new Set(Object.keys(json.metadata)));
      for (const [key, expected] of Object.entries(json.metadata)) {
        const e = g.metadata.get(key)!;
        if (typeof expected === "object" && expected !== null && "array_of" in expected) {
          const {array_of, n} = expected as {array_of: string; n: number};
          const a = e.value as GgufArray;
          expect({type: a.itemType, n: a.values.length}).toEqual({
            type: {string: "string", float32: "f32", int32: "i32"}[array_of],
            n
          });
        } else if (e.type === "f32") expect(e.value).toBe(Math.fround(expected as number));
        else expect(e.value).toBe(expected);
      }
      expect(g.tensors.map((t) => ({name: t.name, type: t.type.name, ne: t.shape, bytes: t.size}))).toEqual(
        expect.arrayContaining(json.tensors)
      );
      expect(g.tensors.length).toBe(json.tensors.length);
      const embd = g.tensor("token_embd.weight")!;
      const whole = readFixture("gguf", file).subarray(embd.fileOffset, embd.fileOffset + embd.size);
      expect(Buffer.compare(await readTensorBytes(source, embd), whole)).toBe(0);
      expect(largest).toBeLessThanOrEqual(g.size);
    } finally {
      await source.close();
    }
  });
});

describeWithFixtures("tokenizers", "readGguf(source): vocabulary-only files", () => {
  it.each([
    ["ggml-vocab-gpt-2.gguf", "gpt2", "gpt2", 50257],
    ["ggml-vocab-llama-spm.gguf", "llama", "llama", 32000]
  ])("%s opens for inspection: no tensors, its vocabulary", async (file, arch, model, nVocab) => {
    const source = await openFileSource(fixturePath("tokenizers", file));
    try {
      const g = await readGguf(source);
      expect(g.tensors).toEqual([]);
      expect(g.metadata.getString("general.architecture")).toBe(arch);
      expect(g.metadata.getString("tokenizer.ggml.model")).toBe(model);
      expect(g.metadata.getStringArray("tokenizer.ggml.tokens").length).toBe(nVocab);
    } finally {
      await source.close();
    }
  });
});

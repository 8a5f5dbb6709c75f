import {describe, expect, it} from "vitest";
import {
  bytesSource,
  encodeGguf,
  GgufError,
  ggufBytes,
  readGguf,
  readTensorBytes,
  type GgufOut
} from "../../src/model-files/gguf/index.ts";
import {sampleFile, writeGguf} from "./gguf-writer.ts";

/** The test writer's sample file (every value type, nested arrays, five tensor types) read back as a GgufOut. */
async function sampleOut(alignment?: number): Promise<[Uint8Array, GgufOut]> {
  const bytes = writeGguf(sampleFile(alignment ? {alignment} : {}));
  const source = bytesSource(bytes);
  const gguf = await readGguf(source);
  const tensors = [];
  for (const t of gguf.tensors)
    tensors.push({name: t.name, type: t.type.name, shape: t.shape, data: await readTensorBytes(source, t)});
  return [bytes, {metadata: gguf.metadata.entries, tensors}];
}

describe("encodeGguf(file): GGUF v3 out", () => {
  it("writes what it reads: the same bytes as the independent test writer, every value type included", async () => {
    const [bytes, out] = await sampleOut();
    expect(Buffer.from(ggufBytes(out)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("aligns the data section and every tensor to general.alignment", async () => {
    const [, out] = await sampleOut();
    const withAlignment: GgufOut = {
      ...out,
      metadata: [...out.metadata, {key: "general.alignment", type: "u32", value: 64}]
    };
    const written = ggufBytes(withAlignment);
    const gguf = await readGguf(bytesSource(written));
    expect(gguf.alignment).toBe(64);
    expect(gguf.dataOffset % 64).toBe(0);
    for (const t of gguf.tensors) {
      expect(t.offset % 64, t.name).toBe(0);
      const original = out.tensors.find((o) => o.name === t.name)!.data;
      expect(Buffer.from(await readTensorBytes(bytesSource(written), t)).equals(Buffer.from(original))).toBe(true);
    }
  });

  it("gives the file as parts (header, then each tensor's bytes and padding) whose concatenation is the file", async () => {
    const [, out] = await sampleOut();
    const parts = encodeGguf(out);
    expect(parts[1]).toBe(out.tensors[0]!.data);
    expect(parts.reduce((n, p) => n + p.byteLength, 0)).toBe(ggufBytes(out).byteLength);
  });

  it("refuses what a reader would refuse, naming the key or tensor", async () => {
    const [, out] = await sampleOut();
    const t0 = out.tensors[0]!;
    const refusals: [GgufOut, RegExp][] = [
      [
        {...out, tensors: [{...t0, data: t0.data.subarray(1)}]},
        /tensor "a.f32": has 47 bytes; \[4, 3\] of F32 takes 48/
      ],
      [{...out, tensors: [t0, t0]}, /tensor "a.f32": is given twice/],
      [{...out, tensors: [{...t0, name: "x".repeat(64)}]}, /name is longer than ggml's 63 bytes/],
      [{...out, tensors: [{...t0, type: "Q8_0"}]}, /rows of 4 values are not a multiple of Q8_0's block of 32/],
      [{...out, tensors: [{...t0, type: "Q9_9"}]}, /unknown ggml type Q9_9/],
      [{...out, metadata: [...out.metadata, out.metadata[0]!]}, /key "general.architecture": is given twice/],
      [{...out, metadata: [{key: "general.alignment", type: "u32", value: 48}]}, /general.alignment.*power of two/],
      [{...out, metadata: [{key: "k", type: "u8", value: 300}]}, /key "k": value 300 is not a u8/],
      [{...out, metadata: [{key: "k", type: "string", value: 3}]}, /key "k": value 3 is not a string/],
      [
        {...out, metadata: [{key: "k", type: "array", value: {itemType: "f32", values: new Int32Array(2)}}]},
        /key "k": holds a typed array that is not f32/
      ]
    ];
    for (const [file, message] of refusals) {
      expect(() => encodeGguf(file, "x.gguf")).toThrow(GgufError);
      expect(() => encodeGguf(file, "x.gguf")).toThrow(message);
    }
  });
});

// llama-imatrix's .dat format (issue 23): a file laid out by hand as save_imatrix writes it reads back field for
// field, writeImatrix writes those same bytes, the quantizer's importance is value / ncall in float32, and every
// truncation or absurd count is refused with a ModelFileError naming the field, before any large allocation.
import {describe, expect, it} from "vitest";
import {ModelFileError} from "../../../src/model-files/errors.ts";
import {importanceOf, readImatrix, writeImatrix, type ImatrixFile} from "../../../src/quant/imatrix/index.ts";

/** The bytes save_imatrix writes, built field by field: int32 counts, the name bytes, float32 values, the trailer. */
function handMade(entries: [string, number, number[]][], trailer: [number, string] | null): Uint8Array {
  const parts: number[] = [];
  const int32 = (v: number) => parts.push(...new Uint8Array(Int32Array.of(v).buffer));
  const bytes = (s: string) => parts.push(...new TextEncoder().encode(s));
  int32(entries.length);
  for (const [name, ncall, values] of entries) {
    int32(new TextEncoder().encode(name).length);
    bytes(name);
    int32(ncall);
    int32(values.length);
    parts.push(...new Uint8Array(Float32Array.from(values).buffer));
  }
  if (trailer) {
    int32(trailer[0]);
    int32(trailer[1].length);
    bytes(trailer[1]);
  }
  return Uint8Array.from(parts);
}

const ENTRIES: [string, number, number[]][] = [
  ["blk.0.attn_q.weight", 10, [1.5, 0, 3.25, 7]],
  ["blk.0.ffn_down.weight", 3, [0.1, 0.2]]
];

describe("readImatrix(bytes, file) / writeImatrix(file)", () => {
  it("reads a file laid out as llama-imatrix writes it, and writes the same bytes back", () => {
    const bytes = handMade(ENTRIES, [10, "wiki.train.raw"]);
    const file = readImatrix(bytes, "imatrix.dat");
    expect(file.entries.map((e) => [e.name, e.ncall, [...e.values]])).toEqual(
      ENTRIES.map(([n, c, v]) => [n, c, [...Float32Array.from(v)]])
    );
    expect([file.lastCall, file.dataset]).toEqual([10, "wiki.train.raw"]);
    expect(Buffer.from(writeImatrix(file)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("reads an older file without the trailer (last call 0, no dataset)", () => {
    const file = readImatrix(handMade(ENTRIES, null), "old.dat");
    expect([file.entries.length, file.lastCall, file.dataset]).toEqual([2, 0, ""]);
  });

  it("round-trips random entries, a non-ASCII dataset name and ncall 0", () => {
    const file: ImatrixFile = {
      entries: [
        {name: "blk.3.ffn_up.weight", ncall: 0, values: Float32Array.from({length: 96}, (_, i) => i * 0.37)},
        {name: "output.weight", ncall: 123456, values: Float32Array.from({length: 64}, (_, i) => Math.exp(-i))}
      ],
      lastCall: 123456,
      dataset: "histoires — été.txt"
    };
    const back = readImatrix(writeImatrix(file), "x.dat");
    expect(back.entries.map((e) => [e.name, e.ncall, [...e.values]])).toEqual(
      file.entries.map((e) => [e.name, e.ncall, [...e.values]])
    );
    expect([back.lastCall, back.dataset]).toEqual([file.lastCall, file.dataset]);
  });
});

describe("importanceOf(entry)", () => {
  it("divides each stored value by ncall in float32, as llama-quantize's load_imatrix (v /= ncall)", () => {
    const values = Float32Array.of(1, 2.5, 1e-7, 3.3);
    const q = importanceOf({name: "a", ncall: 3, values});
    expect([...q]).toEqual([...values].map((v) => Math.fround(v / 3)));
    // 1/3 is not 1·(1/3) in float32 for every value: the division is one rounding
    expect(q[0]).toBe(Math.fround(1 / 3));
    expect([...importanceOf({name: "b", ncall: 0, values})]).toEqual([...values]);
  });
});

describe("readImatrix refuses truncated and absurd files", () => {
  const good = handMade(ENTRIES, [10, "wiki.train.raw"]);
  it("every truncation before the trailer, and a partial trailer, is a ModelFileError", () => {
    // cut inside the entries, or inside the trailer; cutting exactly at the end of the entries leaves a trailer-less file
    const endOfEntries = handMade(ENTRIES, null).byteLength;
    for (let n = 0; n < good.byteLength; n++) {
      if (n === endOfEntries) continue;
      expect(() => readImatrix(good.subarray(0, n), "cut.dat"), `${n} bytes`).toThrow(ModelFileError);
    }
  });
  it("names the field and the offset", () => {
    expect(() => readImatrix(good.subarray(0, 60), "cut.dat")).toThrow(
      /^cut\.dat: the name of entry 2 of 2 at byte 51: length 21 runs past the end of the file \(5 bytes left\)$/
    );
  });
  const absurd: [string, Uint8Array, RegExp][] = [
    [
      "an entry count of 2^31 − 1",
      handMade([], null).map((_, i) => [0xff, 0xff, 0xff, 0x7f][i]!),
      /2147483647 entries cannot fit/
    ],
    ["no entries", handMade([], null), /0 entries cannot fit/],
    ["a negative name length", patch(good, 4, -5), /the name of entry 1 of 2 at byte 4: length -5 is negative/],
    ["a name longer than the file", patch(good, 4, 1 << 30), /length 1073741824 runs past the end of the file/],
    ["a value count beyond the file", patch(good, 4 + 4 + 19 + 4, 1 << 28), /268435456 values do not fit/],
    ["a value count of 0", patch(good, 4 + 4 + 19 + 4, 0), /"blk\.0\.attn_q\.weight" at byte 31: 0 values/],
    [
      "a negative call count",
      patch(good, 4 + 4 + 19, -1),
      /the call count of "blk\.0\.attn_q\.weight" at byte 27: -1 is negative/
    ],
    [
      "a NaN value",
      patchF32(good, 4 + 4 + 19 + 8 + 4, NaN),
      /value 1 of "blk\.0\.attn_q\.weight" at byte 39: NaN is not/
    ],
    ["a negative value", patchF32(good, 4 + 4 + 19 + 8, -2), /value 0 .* -2 is not a finite sum of squares/],
    [
      "a name that appears twice",
      handMade([ENTRIES[0]!, ENTRIES[0]!], null),
      /entry "blk\.0\.attn_q\.weight" .*appears twice/
    ],
    ["bytes after the dataset name", Uint8Array.of(...good, 1, 2, 3), /3 bytes after the dataset name/]
  ];
  for (const [what, bytes, message] of absurd) {
    it(`refuses ${what}`, () => {
      expect(() => readImatrix(bytes, "bad.dat")).toThrow(message);
    });
  }
});

function patch(bytes: Uint8Array, at: number, v: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setInt32(at, v, true);
  return out;
}

function patchF32(bytes: Uint8Array, at: number, v: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setFloat32(at, v, true);
  return out;
}

import {describe, expect, it} from "vitest";
import {checkpointBytes, readCheckpoint, writeCheckpoint} from "../../src/engine/checkpoint.ts";
import {toConfig} from "../../src/engine/config.ts";
import {byteTokenizer, DEFAULT_CONFIG, seededCheckpoint} from "../../src/engine/default-model.ts";
import {forward, prefill} from "../../src/engine/forward.ts";
import {loadModel, loadModelFromBytes} from "../../src/engine/load.ts";
import {loadModelFromFiles} from "../../src/engine/load.node.ts";
import {readTokenizer} from "../../src/tokenizers/llama2c.ts";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";
import {fixtureBytes} from "./helpers.ts";

/** the default checkpoint with header field i (dim, hidden, layers, heads, kv heads, vocab, seq) replaced */
function withHeader(values: Partial<Record<number, number>>, bytes = seededCheckpoint()): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  for (const [i, v] of Object.entries(values)) view.setInt32(4 * Number(i), v!, true);
  return copy;
}

const tokenizer = byteTokenizer();

describe("loading checkpoints: bad input", () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ["an empty file", () => new Uint8Array(0), /checkpoint is too short: 0 bytes/],
    [
      "a truncated file",
      () => seededCheckpoint().slice(0, -100),
      /checkpoint is truncated: .* needs \d+ bytes but the file has \d+/
    ],
    [
      "an oversized file",
      () => concat(seededCheckpoint(), Uint8Array.of(1, 2, 3, 4)),
      /checkpoint has 4 bytes more than its header/
    ],
    ["a zero dim", () => withHeader({0: 0}), /invalid dim: 0 \(must be a positive integer\)/],
    ["a negative layer count", () => withHeader({2: -3}), /invalid nLayers: -3 \(must be a positive integer\)/],
    ["an absurd dim", () => withHeader({0: 1 << 30}), /invalid dim: 1073741824 \(larger than 16384\)/],
    ["n_heads not dividing dim", () => withHeader({3: 5}), /invalid nHeads: 5 does not divide dim 128/],
    ["n_kv_heads not dividing n_heads", () => withHeader({4: 3}), /invalid nKvHeads: 3 does not divide nHeads 4/],
    ["a versioned export", () => withHeader({0: 0x616b3432}), /versioned llama2.c export/]
  ];
  for (const [what, bytes, message] of cases)
    it(`readCheckpoint(bytes) refuses ${what}`, () => {
      expect(() => readCheckpoint(bytes())).toThrow(message);
    });

  it("loadModel(blob, tokenizer, {maxBytes}) checks memory from the header before reading the file", async () => {
    const big = withHeader({0: 4096, 1: 16384, 2: 64, 3: 32, 4: 32, 5: 32000, 6: 4096}, new Uint8Array(28));
    const config = toConfig({dim: 4096, hiddenDim: 16384, nLayers: 64, nHeads: 32, vocabSize: 32000, seqLen: 4096});
    const expected = checkpointBytes(config);
    let allocated = 0;
    const alloc = (n: number) => {
      allocated += n;
      return new Float32Array(n);
    };
    // a Blob announcing the full size but holding only the header: reading the body would fail differently
    const blob = {
      size: expected,
      slice: () => new Blob([big as Uint8Array<ArrayBuffer>]),
      stream: () => {
        throw new Error("the body was read");
      }
    };
    Object.setPrototypeOf(blob, Blob.prototype);
    await expect(loadModel(blob as unknown as Blob, tokenizer, {maxBytes: 2 ** 30, alloc})).rejects.toThrow(
      /model needs \d+\.\d MiB of memory, more than the budget of 1024\.0 MiB/
    );
    expect(allocated).toBe(0);
  });

  it("loadModel(url, url, {onProgress}) streams URLs and refuses a truncated one", async () => {
    const url = (bytes: Uint8Array) => `data:application/octet-stream;base64,${Buffer.from(bytes).toString("base64")}`;
    let loaded = 0;
    const {model} = await loadModel(url(seededCheckpoint()), url(tokenizer), {onProgress: (n) => (loaded = n)});
    expect(loaded).toBe(seededCheckpoint().byteLength);
    expect(forward(model, 1, 0)).toEqual(forward(loadModelFromBytes(seededCheckpoint(), tokenizer).model, 1, 0));
    await expect(loadModel(url(seededCheckpoint().slice(0, 1000)), url(tokenizer))).rejects.toThrow(
      /checkpoint is truncated/
    );
    await expect(loadModel(url(withHeader({3: 5})), url(tokenizer))).rejects.toThrow(/invalid nHeads: 5/);
  });

  it("readCheckpoint(bytes) names the first NaN weight", () => {
    const bytes = seededCheckpoint().slice();
    const floats = new Float32Array(bytes.buffer, 28);
    const wqStart = 259 * 128 + 4 * 128;
    floats[wqStart + 128 * 128 + 7] = NaN; // layer 1, index 7
    expect(() => readCheckpoint(bytes)).toThrow(/weight wq \(layer 1, index 7\) is NaN; the checkpoint is corrupt/);
  });

  it("readTokenizer(bytes, vocabSize) refuses a tokenizer of another vocabulary", () => {
    expect(() => loadModelFromBytes(seededCheckpoint(), fixtureLessTokenizer(300))).toThrow(
      /tokenizer has 300 tokens but the model's vocab_size is 259/
    );
  });

  it("readTokenizer(bytes) refuses a truncated tokenizer", () => {
    expect(() => readTokenizer(tokenizer.slice(0, -3))).toThrow(/tokenizer is corrupt: token 258 is cut off/);
    expect(() => readTokenizer(new Uint8Array(2))).toThrow(/tokenizer is corrupt: 2 bytes/);
  });

  it("loadModelFromFiles(path, path) names a missing file", async () => {
    await expect(loadModelFromFiles("/nonexistent/model.bin", "/nonexistent/tok.bin")).rejects.toThrow(
      /cannot read checkpoint \/nonexistent\/model.bin: no such file; check the path/
    );
  });
});

describe("forward: bad input", () => {
  const {model} = loadModelFromBytes(seededCheckpoint(), tokenizer); // vocab 259, seq_len 256
  it("forward(model, token, pos) refuses a token id out of range", () => {
    expect(() => forward(model, 259, 0)).toThrow(
      /token 259 at index 0 is out of range: the vocabulary has 259 tokens \(0..258\)/
    );
    expect(() => forward(model, -1, 0)).toThrow(/token -1/);
    expect(() => forward(model, 1.5, 0)).toThrow(/token 1.5/);
  });
  it("forward(model, token, pos) refuses pos >= seq_len", () => {
    expect(() => forward(model, 1, 256)).toThrow(
      /position 256 is past the context: seq_len is 256 \(positions 0..255\)/
    );
    expect(() => prefill(model, [1, 2, 3], 254)).toThrow(/position 256 is past the context/);
  });
  it("forward(model, token, pos) still works after refusing bad input", () => {
    expect(forward(model, 1, 0).length).toBe(259);
  });
});

describe("default model", () => {
  it("DEFAULT_CONFIG has GQA and every matrix row length a multiple of 64", () => {
    const c = DEFAULT_CONFIG;
    expect(c.nKvHeads).toBeLessThan(c.nHeads);
    for (const rowLength of [c.dim, c.hiddenDim]) expect(rowLength % 64).toBe(0);
  });
  it("seededCheckpoint() is deterministic and round-trips through writeCheckpoint", () => {
    const a = seededCheckpoint();
    expect(Buffer.compare(seededCheckpoint(), a)).toBe(0);
    const {config, weights} = readCheckpoint(a);
    expect(Buffer.compare(writeCheckpoint(config, weights), a)).toBe(0);
    expect(a.byteLength).toBe(checkpointBytes(config));
  });
});

describeWithFixtures("llama2c", "loading fixtures", () => {
  it("loadModel(Blob, Blob, {onProgress}) equals loading from files", async () => {
    const progress: number[] = [];
    const fromBlob = await loadModel(
      new Blob([fixtureBytes("stories260K.bin") as Uint8Array<ArrayBuffer>]),
      new Blob([fixtureBytes("tok512.bin") as Uint8Array<ArrayBuffer>]),
      {
        onProgress: (loaded, total) => progress.push(loaded / total)
      }
    );
    const fromFiles = await loadModelFromFiles(
      fixturePath("llama2c", "stories260K.bin"),
      fixturePath("llama2c", "tok512.bin")
    );
    expect(progress.at(-1)).toBe(1);
    expect(fromBlob.model.config).toEqual(fromFiles.model.config);
    expect(forward(fromBlob.model, 1, 0)).toEqual(forward(fromFiles.model, 1, 0));
  });
  it("loadModelFromBytes(checkpoint, tokenizer) refuses a tokenizer that disagrees with the model", () => {
    expect(() => loadModelFromBytes(fixtureBytes("stories260K.bin"), fixtureBytes("tokenizer-32000.bin"))).toThrow(
      /tokenizer has 32000 tokens but the model's vocab_size is 512/
    );
  });
});

/** a byte tokenizer padded with extra pieces to n tokens */
function fixtureLessTokenizer(n: number): Uint8Array {
  const t = readTokenizer(byteTokenizer());
  const pieces = [...t.pieces];
  while (pieces.length < n) pieces.push(new TextEncoder().encode(`x${pieces.length}`));
  const out: number[] = [];
  const push32 = (v: number, f = false) => {
    const b = new DataView(new ArrayBuffer(4));
    if (f) b.setFloat32(0, v, true);
    else b.setInt32(0, v, true);
    out.push(...new Uint8Array(b.buffer));
  };
  push32(8);
  for (const p of pieces) {
    push32(0, true);
    push32(p.length);
    out.push(...p);
  }
  return Uint8Array.from(out);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

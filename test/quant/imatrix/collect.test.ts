// llama-imatrix's collection through the hooks (issue 23), on the built-in model: the collected sums equal Σx² computed
// directly from the hook activations of the same chunks (runWithCache), each hook really is its matrix's input
// (W · activation = the next hook), output.weight is skipped unless asked for, and progress, cancel, the .dat values
// (mean × ncall) and the refusals behave as documented.
import {describe, expect, it} from "vitest";
import {loadDefaultModel, seededCheckpoint, SEEDED_CONFIG} from "../../../src/engine/default-model.ts";
import {readCheckpoint} from "../../../src/engine/checkpoint.ts";
import {runWithCache} from "../../../src/engine/hooks/run.ts";
import {createTransformer} from "../../../src/engine/transformer.ts";
import {toConfig} from "../../../src/engine/config.ts";
import {encode} from "../../../src/tokenizers/llama2c.ts";
import {
  collectImatrix,
  imatrixFile,
  importanceOf,
  readImatrix,
  writeImatrix
} from "../../../src/quant/imatrix/index.ts";
import {expectClose} from "../../helpers/expect-close.ts";

const STORY =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine. One day she saw " +
  "a big red ball in the park. She ran to the ball and kicked it high into the sky. Her friend Tom laughed and ran " +
  "after it. They played together until the sun went down, and then they walked home, happy and tired. ";

function storyTokens(): number[] {
  const {tokenizer} = loadDefaultModel();
  return encode(tokenizer, STORY.repeat(3));
}

/** Σ over every cached call of activation² per column, in double */
function directSums(cache: {data: Float32Array}[], cols: number): Float64Array {
  const s = new Float64Array(cols);
  for (const a of cache) for (let i = 0; i < a.data.length; i++) s[i % cols] += a.data[i]! * a.data[i]!;
  return s;
}

/** W (rows, cols) @ each row of x (T, cols) -> (T, rows), in double */
function matmul(w: Float32Array, rows: number, cols: number, x: Float32Array): Float64Array {
  const T = x.length / cols;
  const out = new Float64Array(T * rows);
  for (let t = 0; t < T; t++)
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += w[r * cols + j]! * x[t * cols + j]!;
      out[t * rows + r] = s;
    }
  return out;
}

describe("collectImatrix(model, tokens, options) on the built-in model", () => {
  const ctx = 64;
  it("sums each matrix's squared inputs exactly as the hook activations of the same chunks give them", async () => {
    const tokens = storyTokens();
    const {model} = loadDefaultModel();
    const c = model.config;
    const progress: [number, number][] = [];
    const got = await collectImatrix(model, tokens, {ctx, onProgress: (d, t) => progress.push([d, t])});
    const chunks = Math.floor(tokens.length / ctx);
    expect(got.chunks).toBe(chunks);
    expect(progress).toEqual(Array.from({length: chunks}, (_, i) => [i + 1, chunks]));
    expect(got.stats.map((s) => s.name)).toEqual(
      Array.from({length: c.nLayers}, (_, l) =>
        ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_down", "ffn_up"].map(
          (m) => `blk.${l}.${m}.weight`
        )
      ).flat()
    );

    // the same chunks (first id → BOS 1), activations copied by runWithCache
    const cache: Record<string, {data: Float32Array}[]> = {};
    const {model: fresh} = loadDefaultModel();
    for (let k = 0; k < chunks; k++) {
      const ids = tokens.slice(k * ctx, (k + 1) * ctx);
      ids[0] = 1;
      const run = runWithCache(fresh, ids, {
        names: ["ln1.hook_normalized", "attn.hook_z", "ln2.hook_normalized", "mlp.hook_post"]
      });
      for (const [name, acts] of Object.entries(run.cache)) (cache[name] ??= []).push(...acts);
    }
    const input: Record<string, string> = {
      attn_q: "ln1.hook_normalized",
      attn_k: "ln1.hook_normalized",
      attn_v: "ln1.hook_normalized",
      attn_output: "attn.hook_z",
      ffn_gate: "ln2.hook_normalized",
      ffn_down: "mlp.hook_post",
      ffn_up: "ln2.hook_normalized"
    };
    for (const s of got.stats) {
      const [, layer, matrix] = /^blk\.(\d+)\.(\w+)\.weight$/.exec(s.name)!;
      const cols = matrix === "ffn_down" ? c.hiddenDim : c.dim;
      expect([s.sums.length, s.count, s.ncall], s.name).toEqual([cols, chunks * ctx, chunks]);
      // float32 running sums of up to ~200 terms against double ones
      expectClose(s.sums, directSums(cache[`blocks.${layer}.${input[matrix!]}`]!, cols), {rtol: 1e-5}, s.name);
    }
  });

  it("each input hook is what its matrix multiplies: W · activation is the next hook's value", () => {
    const {model} = loadDefaultModel();
    const {dim: D, hiddenDim: H} = model.config;
    const ids = storyTokens().slice(0, 32);
    const {cache} = runWithCache(model, ids, {layers: [1]});
    const act = (key: string) => cache[`blocks.1.${key}`]![0]!.data;
    const w = model.weights;
    const layer = (a: Float32Array, n: number) => a.subarray(n, 2 * n);
    const tol = {atol: 1e-5, rtol: 1e-4};
    expectClose(matmul(layer(w.wq, D * D), D, D, act("ln1.hook_normalized")), act("attn.hook_q"), tol, "wq");
    expectClose(matmul(layer(w.wo, D * D), D, D, act("attn.hook_z")), act("hook_attn_out"), tol, "wo");
    expectClose(matmul(layer(w.w1, H * D), H, D, act("ln2.hook_normalized")), act("mlp.hook_pre"), tol, "w1");
    expectClose(matmul(layer(w.w2, D * H), D, H, act("mlp.hook_post")), act("hook_mlp_out"), tol, "w2");
  });

  it("skips output.weight by default, collects it with processOutput (a model with its own classifier)", async () => {
    const config = toConfig({...SEEDED_CONFIG, sharedClassifier: false});
    const {weights} = readCheckpoint(seededCheckpoint(7, config));
    const tokens = Array.from({length: 64}, (_, i) => 3 + ((i * 37) % 250));
    const names = async (processOutput: boolean) =>
      (await collectImatrix(createTransformer(config, weights), tokens, {ctx: 32, processOutput})).stats.map(
        (s) => s.name
      );
    expect(await names(false)).not.toContain("output.weight");
    expect((await names(true)).at(-1)).toBe("output.weight");
    // the built-in model's classifier is token_embd, which llama-imatrix never collects
    const {model} = loadDefaultModel();
    const shared = await collectImatrix(model, storyTokens(), {ctx, processOutput: true, chunks: 1});
    expect(shared.stats.map((s) => s.name)).not.toContain("output.weight");
  });

  it("writes mean × ncall per value, which importanceOf turns back into the mean square per column", async () => {
    const {model} = loadDefaultModel();
    const got = await collectImatrix(model, storyTokens(), {ctx});
    const file = readImatrix(writeImatrix(imatrixFile(got, "story.txt")), "story.dat");
    expect([file.lastCall, file.dataset, file.entries.length]).toEqual([got.chunks, "story.txt", got.stats.length]);
    for (const [i, e] of file.entries.entries()) {
      const s = got.stats[i]!;
      expect([e.name, e.ncall]).toEqual([s.name, s.ncall]);
      expect([...e.values]).toEqual([...s.sums].map((v) => Math.fround(Math.fround(v / s.count) * s.ncall)));
      expectClose(
        importanceOf(e),
        [...s.sums].map((v) => v / s.count),
        {rtol: 1e-6},
        e.name
      );
    }
  });

  it("stops with the signal's reason between chunks, and refuses a bad ctx or a short text", async () => {
    const {model} = loadDefaultModel();
    const stop = new AbortController();
    const done: number[] = [];
    const run = collectImatrix(model, storyTokens(), {
      ctx,
      signal: stop.signal,
      onProgress: (n) => {
        done.push(n);
        if (n === 1) stop.abort(new Error("stopped"));
      }
    });
    await expect(run).rejects.toThrow("stopped");
    expect(done).toEqual([1]);
    await expect(collectImatrix(model, storyTokens(), {ctx: 8})).rejects.toThrow(
      /^invalid ctx: 8 \(llama-imatrix collects batches of 16/
    );
    await expect(collectImatrix(model, storyTokens(), {ctx: 512})).rejects.toThrow(
      /^invalid ctx: 512 .*context is 256/
    );
    await expect(collectImatrix(model, storyTokens().slice(0, 100), {ctx})).rejects.toThrow(
      /^invalid text: 100 tokens/
    );
  });
});

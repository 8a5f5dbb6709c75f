// Every op through the Worker protocol (structured clone + transfer over a MessageChannel) gives the same result as
// through the in-page host, and every typed array in a result is moved, not copied or JSON-encoded.
import {describe, expect, it} from "vitest";
import {createInPageHost, OPS, prepareTransfer, type EngineHost, type OpName} from "../../src/host/index.ts";
import {DEFAULT_CONFIG, byteTokenizer, seededCheckpoint} from "../../src/engine/index.ts";
import {standInWorkerHost} from "./helpers.ts";

const TOKENS = [1, 35, 104, 105, 35, 116, 104, 101, 114, 101];

/** One request per op (after loading the built-in model), chosen so the result has typed arrays where it can. */
const CASES: {[Op in OpName]: (host: EngineHost) => Promise<unknown>} = {
  load: (host) => host.request("load", {checkpoint: seededCheckpoint(), tokenizer: byteTokenizer()}),
  tokenize: (host) => host.request("tokenize", {text: "héllo"}),
  quant: (host) => host.request("quant", {quant: "q8_0", weights: "dequant"}),
  stats: async (host) => {
    await host.request("quant", {quant: "q4_1"});
    await host.request("run", {tokens: TOKENS});
    return host.request("stats", {reset: true});
  },
  run: (host) =>
    host.request("run", {
      tokens: TOKENS,
      patches: [{hook: "attn.hook_pattern", layer: 2, head: 1, op: "scale", value: 2}]
    }),
  cache: (host) =>
    host.request("cache", {tokens: TOKENS, names: ["attn.hook_pattern", "hook_resid_post"], layers: [0, 3]}),
  sweep: (host) =>
    host.request("sweep", {
      tokens: TOKENS,
      variants: [{}, {patches: [{hook: "attn.hook_z", layer: 0, head: 2, op: "zero"}]}, {quant: {quant: "q4_0"}}],
      positions: [0, TOKENS.length - 1]
    }),
  generate: (host) =>
    host.request("generate", {prompt: "hi", steps: 12, sampler: {temperature: 0.8, seed: 7}, logits: true}),
  profile: async (host) => {
    const {report, counters} = await host.request("profile", {prompt: "hi", steps: 6});
    // timings differ between runs: keep what is deterministic
    return {steps: report.steps, tokens: report.tokens, layers: report.byLayer.length, counters};
  }
};

async function loaded(host: EngineHost) {
  await host.request("load", {});
  return host;
}

describe("engine host protocol", () => {
  it("the cases cover every op", () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(OPS).sort());
  });

  it.each(Object.keys(CASES) as OpName[])(
    'request("%s", args) round-trips through the Worker protocol to the in-page result',
    async (op) => {
      const inPage = await CASES[op](await loaded(createInPageHost() as EngineHost));
      const {host, workers} = standInWorkerHost();
      const viaWorker = await CASES[op](await loaded(host));
      expect(viaWorker).toEqual(inPage);
      // what the engine posted as the result moved every typed array in it
      const result = workers[0]!.posted.filter((p) => p.message.type === "result").at(-1)!;
      expect(result.transfer.length).toBe(prepareTransfer((result.message as {value: unknown}).value).transfer.length);
    }
  );

  it('request("run") returns the logits as a Float32Array whose buffer was transferred', async () => {
    const {host, workers} = standInWorkerHost();
    await loaded(host);
    const {logits, shape} = await host.request("run", {tokens: TOKENS});
    expect(logits).toBeInstanceOf(Float32Array);
    expect(logits.length).toBe(shape[0] * shape[1]);
    const posted = workers[0]!.posted.at(-1)!;
    expect(posted.transfer).toHaveLength(1);
    expect(posted.transfer[0]!.byteLength).toBe(0); // detached in the engine: moved, not copied
  });

  it('request("cache", {names, layers}) returns each activation as a transferred Float32Array with its shape', async () => {
    const {host, workers} = standInWorkerHost();
    await loaded(host);
    const {cache} = await host.request("cache", {tokens: TOKENS, names: ["attn.hook_z"], layers: [1]});
    expect(Object.keys(cache)).toEqual(["blocks.1.attn.hook_z"]);
    const [act] = cache["blocks.1.attn.hook_z"]!;
    expect(act!.shape).toEqual([TOKENS.length, DEFAULT_CONFIG.nHeads, DEFAULT_CONFIG.headSize]);
    expect(act!.data).toBeInstanceOf(Float32Array);
    expect(act!.data.length).toBe(TOKENS.length * DEFAULT_CONFIG.nHeads * DEFAULT_CONFIG.headSize);
    expect(workers[0]!.posted.at(-1)!.transfer).toHaveLength(2); // logits + one activation
  });

  it('request("load", {checkpoint}) moves the checkpoint bytes to the Worker instead of copying them', async () => {
    const {host} = standInWorkerHost();
    const checkpoint = seededCheckpoint();
    const tokenizer = byteTokenizer();
    const size = checkpoint.byteLength;
    const progress: [number, number][] = [];
    const info = await host.request(
      "load",
      {checkpoint, tokenizer},
      {onEvent: (p) => progress.push([p.loaded, p.total])}
    );
    expect(checkpoint.byteLength).toBe(0);
    expect(progress).toEqual([[size, size]]);
    expect(info).toMatchObject({source: "checkpoint", config: {dim: 128, nLayers: 4}});
  });

  it('request("generate") streams one event per position, in order, ending with the result', async () => {
    const {host} = standInWorkerHost();
    await loaded(host);
    const events: {pos: number; text: string}[] = [];
    const result = await host.request(
      "generate",
      {prompt: "ab", steps: 10, sampler: {temperature: 0}},
      {onEvent: ({pos, text}) => events.push({pos, text})}
    );
    expect(events.map((e) => e.pos)).toEqual([...Array(result.steps).keys()]);
    expect(result.text).toBe(events.map((e) => e.text).join(""));
    expect(result.tokens.length).toBe(result.steps + 1);
  });

  it("prepareTransfer(value) copies views that do not own their buffer, and moves the rest once", () => {
    const owned = new Float32Array(4);
    const shared = new Float32Array(16);
    const view = shared.subarray(4, 8);
    const {value, transfer} = prepareTransfer({a: owned, b: [view], c: 3, d: "x", e: owned});
    expect(value.a).toBe(owned);
    expect(value.b[0]).not.toBe(view);
    expect(value.b[0]!.buffer.byteLength).toBe(16);
    expect(transfer).toEqual([owned.buffer, value.b[0]!.buffer, value.e.buffer]);
  });
});

// Errors come back with the engine's own message, through either transport, and never leave a promise hanging;
// a crashed Worker rejects everything pending with a clear message, and the host can be restarted.
import {describe, expect, it} from "vitest";
import {
  byteTokenizer,
  checkInputs,
  DEFAULT_CONFIG,
  loadModelFromBytes,
  seededCheckpoint
} from "../../src/engine/index.ts";
import type {HookFn, HookName} from "../../src/engine/index.ts";
import {createWorkerHost, isAbortError, type EngineHost, type RunArgs} from "../../src/host/index.ts";
import {HOST_KINDS, standInWorker, standInWorkerHost} from "./helpers.ts";

/** The message a call throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a throw");
}

const truncated = seededCheckpoint().slice(0, 1000);

describe.each(HOST_KINDS)("engine host errors (%s)", (_, createHost) => {
  async function loaded(): Promise<EngineHost> {
    const host = createHost();
    await host.request("load", {});
    return host;
  }

  it('request("load", {bad checkpoint}) rejects with the engine\'s message and keeps the loaded model', async () => {
    const host = await loaded();
    const expected = thrown(() => loadModelFromBytes(truncated, byteTokenizer()));
    await expect(host.request("load", {checkpoint: truncated.slice(), tokenizer: byteTokenizer()})).rejects.toThrow(
      expected
    );
    expect(expected).toMatch(/checkpoint/);
    await expect(host.request("run", {tokens: [1, 2]})).resolves.toMatchObject({shape: [2, DEFAULT_CONFIG.vocabSize]});
  });

  it('request("run", {tokens out of range}) rejects with the engine\'s message', async () => {
    const host = await loaded();
    const expected = thrown(() => checkInputs(DEFAULT_CONFIG, [1, DEFAULT_CONFIG.vocabSize], 0));
    await expect(host.request("run", {tokens: [1, DEFAULT_CONFIG.vocabSize]})).rejects.toThrow(expected);
  });

  it.each<[Partial<RunArgs>, string]>([
    [{patches: [{hook: "attn.hook_z", op: "blur" as "zero"}]}, "invalid patch op: blur"],
    [{patches: [{hook: "blocks.9.attn.hook_z", op: "zero"}]}, "invalid layer: 9 (the model has 4)"],
    [{patches: [{hook: "attn.hook_q", head: 7, op: "zero"}]}, "invalid patch head: 7"],
    [{tokens: "hello" as unknown as number[]}, "invalid tokens: hello (pass an array of token ids)"]
  ])('request("run", %j) rejects with "%s"', async (args, message) => {
    const host = await loaded();
    await expect(host.request("run", {tokens: [1, 2, 3], ...args})).rejects.toThrow(message);
  });

  it.each([
    ["quant", {weights: "turbo"}, "invalid weights: turbo"],
    ["cache", {tokens: [1, 2], names: ["attn.hook_nope"]}, "invalid hook: attn.hook_nope"],
    ["cache", {tokens: [1, 2], maxBytes: 1}, "activation cache needs"],
    ["generate", {steps: 0}, "invalid steps: 0 (must be >= 1)"],
    ["generate", {sampler: {temperature: -1}}, "invalid temperature: -1"],
    ["teleport", {}, "invalid op: teleport (one of load, tokenize, quant, stats, run, cache, sweep, generate, profile)"]
  ])('request("%s", %j) rejects with "%s"', async (op, args, message) => {
    const host = await loaded();
    await expect(host.request(op as "quant", args as never)).rejects.toThrow(message);
  });

  it("a request before any load rejects, naming what to do", async () => {
    await expect(createHost().request("run", {tokens: [1]})).rejects.toThrow(
      "no model loaded: send load first ({} loads the built-in model)"
    );
  });

  it("host.close() rejects pending requests with an AbortError and later ones with a clear message", async () => {
    const host = await loaded();
    const pending = host.request("generate", {steps: 256, stopAtBos: false});
    host.close();
    expect(isAbortError(await pending.catch((e) => e))).toBe(true);
    await expect(host.request("run", {tokens: [1]})).rejects.toThrow("is closed: create a new host");
  });
});

describe("engine worker host failures", () => {
  it("a crashed worker rejects every pending request with a clear message; restart() gives a working host", async () => {
    const {host, workers} = standInWorkerHost();
    await host.request("load", {});
    const pending = [
      host.request("generate", {steps: 256, stopAtBos: false}),
      host.request("run", {tokens: [1, 2]}, {channel: "x"})
    ];
    workers[0]!.crash("out of memory");
    const message = "engine worker crashed: out of memory; call host.restart() and load the model again";
    for (const p of pending) await expect(p).rejects.toThrow(message);
    await expect(host.request("run", {tokens: [1]})).rejects.toThrow(message);
    expect(workers[0]!.terminated).toBe(true);
    host.restart();
    await expect(host.request("run", {tokens: [1]})).rejects.toThrow("no model loaded");
    await host.request("load", {});
    await expect(host.request("run", {tokens: [1, 2]})).resolves.toMatchObject({shape: [2, DEFAULT_CONFIG.vocabSize]});
    expect(workers).toHaveLength(2);
  });

  it("createWorkerHost() where no Worker can start rejects its requests with the reason", async () => {
    const host = createWorkerHost(); // Node has no Worker global
    await expect(host.request("load", {})).rejects.toThrow("cannot start the engine worker: Worker is not defined");
  });

  it("hook functions cannot be sent to a Worker: a type error, and at run time a clear rejection", async () => {
    const host = createWorkerHost({spawn: standInWorker});
    const hooks: [HookName, HookFn][] = [["hook_embed", () => undefined]];
    // @ts-expect-error the Worker host takes serializable patch specs only
    const run = host.request("run", {tokens: [1], hooks});
    await expect(run).rejects.toThrow(/cannot send run to the engine worker: .*use patches, or the in-page host/);
    expect(host.pending).toBe(0);
  });
});

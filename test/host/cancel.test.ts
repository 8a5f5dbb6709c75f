// Cancellation: by signal, by channel (a newer request cancels the one in flight) and by host.cancel. Asserted on
// steps the engine took, never on time: the in-page host counts forward calls with a hook; the Worker host counts
// the events its engine posted (one per step, until the engine saw the cancel).
import {DEFAULT_CONFIG} from "../../src/engine/index.ts";
import {describe, expect, it} from "vitest";
import type {HookFn} from "../../src/engine/index.ts";
import {createHandler, createInPageHost, isAbortError, serve, type FromEngine} from "../../src/host/index.ts";
import {standInWorkerHost} from "./helpers.ts";

/** A long generation: the whole context, sampled, never stopping at BOS. */
const LONG = {steps: 256, sampler: {temperature: 1, seed: 3}, stopAtBos: false};
/** steps an in-page generate may take after the cancel (the one computing when it came) */
const IN_PAGE_EXTRA_STEPS = 1;
/** steps a Worker engine may take before its message loop delivers the cancel (it yields after every step here) */
const WORKER_EXTRA_STEPS = 4;

async function inPageWithCounter() {
  const host = createInPageHost();
  await host.request("load", {});
  const counter = {forwards: 0};
  const count: HookFn = () => void counter.forwards++;
  return {host, counter, hooks: [["hook_embed", count]] as [`hook_embed`, HookFn][]};
}

describe("engine host cancellation", () => {
  it('request("generate", args, {signal}) stops within a step of the abort and rejects with its reason', async () => {
    const {host, counter, hooks} = await inPageWithCounter();
    const controller = new AbortController();
    const reason = new Error("the user moved the slider");
    let events = 0;
    const run = host.request(
      "generate",
      {...LONG, hooks},
      {signal: controller.signal, onEvent: () => ++events === 3 && controller.abort(reason)}
    );
    await expect(run).rejects.toBe(reason);
    await host.request("tokenize", {text: "x"}); // the queue moved on: the generate has stopped
    expect(events).toBe(3);
    expect(counter.forwards).toBeLessThanOrEqual(3 + IN_PAGE_EXTRA_STEPS);
  });

  it("request(op, args, {channel}) cancels the request in flight on that channel with an AbortError", async () => {
    const {host, counter, hooks} = await inPageWithCounter();
    let events = 0;
    let newer: Promise<unknown> | null = null;
    const older = host.request(
      "generate",
      {...LONG, hooks},
      {
        channel: "chart",
        onEvent: () => {
          if (++events === 5) newer = host.request("run", {tokens: [1, 2, 3]}, {channel: "chart"});
        }
      }
    );
    const error = await older.catch((e) => e);
    expect(isAbortError(error)).toBe(true);
    expect(error.message).toBe("superseded by a newer request on channel chart");
    const forwardsWhenCancelled = counter.forwards;
    expect(await newer).toMatchObject({shape: [3, DEFAULT_CONFIG.vocabSize]});
    expect(forwardsWhenCancelled).toBeLessThanOrEqual(5 + IN_PAGE_EXTRA_STEPS);
    expect(host.pending).toBe(0);
  });

  it("requests on other channels are not cancelled", async () => {
    const host = createInPageHost();
    await host.request("load", {});
    const a = host.request("run", {tokens: [1, 2]}, {channel: "a"});
    const b = host.request("run", {tokens: [1, 3]}, {channel: "b"});
    await expect(Promise.all([a, b])).resolves.toHaveLength(2);
  });

  it("host.cancel(channel) and host.cancel() reject with an AbortError the UI can ignore", async () => {
    const host = createInPageHost();
    await host.request("load", {});
    const one = host.request("generate", LONG, {channel: "one"});
    const two = host.request("generate", LONG, {channel: "two"});
    host.cancel("one");
    expect(host.pending).toBe(1);
    host.cancel();
    for (const run of [one, two]) expect(isAbortError(await run.catch((e) => e))).toBe(true);
    expect(await host.request("tokenize", {text: "ok"})).toMatchObject({text: "ok"});
  });

  it("a Worker host's engine stops generating within a few steps of a cancel and answers the next request", async () => {
    const {host, workers} = standInWorkerHost();
    await host.request("load", {});
    const controller = new AbortController();
    let seen = 0;
    const run = host.request(
      "generate",
      {...LONG, yieldEveryMs: 0},
      {signal: controller.signal, onEvent: () => ++seen === 3 && controller.abort()}
    );
    expect(isAbortError(await run.catch((e) => e))).toBe(true);
    expect(await host.request("tokenize", {text: "go"})).toMatchObject({text: "go"});
    const posted = workers[0]!.posted.filter((p) => p.message.type === "event").length;
    expect(seen).toBe(3);
    expect(posted).toBeLessThanOrEqual(3 + WORKER_EXTRA_STEPS);
  });

  it("a request cancelled while queued never starts", async () => {
    const {host, counter, hooks} = await inPageWithCounter();
    const first = host.request("run", {tokens: [1, 2, 3], hooks});
    const queued = host.request("run", {tokens: [1, 2, 3, 4], hooks}, {channel: "c"});
    host.cancel("c");
    await first;
    expect(isAbortError(await queued.catch((e) => e))).toBe(true);
    await host.request("tokenize", {text: ""});
    expect(counter.forwards).toBe(1);
  });

  it("serve(handler, post) stops a forward pass between layers when the shared cancel flag is set mid-run", async () => {
    // The page sets the flag while the Worker is inside a synchronous forward pass; here a hook plays the page.
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const blocksRun: number[] = [];
    const messages: FromEngine[] = [];
    const receive = serve(createHandler(), (m) => messages.push(m));
    const send = (id: number, op: string, args: unknown, cancelFlag?: Int32Array) =>
      new Promise<FromEngine>((done) => {
        receive({type: "request", id, op: op as "run", args, cancelFlag});
        const poll = () => {
          const m = messages.find((x) => x.id === id && x.type !== "event");
          return m ? done(m) : setTimeout(poll);
        };
        poll();
      });
    expect((await send(1, "load", {})).type).toBe("result");
    const hooks: [string, HookFn][] = [
      ...[0, 1, 2, 3].map((l) => [`blocks.${l}.hook_resid_pre`, () => void blocksRun.push(l)] as [string, HookFn]),
      ["blocks.1.hook_resid_post", () => void Atomics.store(flag, 0, 1)]
    ];
    const answer = await send(2, "run", {tokens: [1, 2, 3, 4, 5, 6, 7, 8], hooks}, flag);
    expect(answer).toMatchObject({type: "error", error: {name: "AbortError"}});
    expect(blocksRun).toEqual([0, 1, 2]); // block 2's own hooks ran, then the check before it threw
  });
});

// The engine host in real Chromium: the module Worker that vite bundles from src/host/engine.worker.ts gives the
// same numbers as the engine called in the page (both on the wasm kernels, createModel's default), a cancelled
// generate stops early and the Worker answers the next request, a crashed Worker rejects what is pending, and nothing
// leaves localhost.
//
// Logits are compared BITWISE: the Worker runs the same JavaScript and the same WebAssembly module in the same V8 as
// the page; V8's float arithmetic (IEEE double, Float32Array rounding on store, its fdlibm port of Math.exp) and
// SIMD128's IEEE float lanes have no thread-dependent path.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, type Browser, type WatchedPage} from "./helpers/index.ts";

let browser: Browser;
let watched: WatchedPage;
/** every request any page or worker of the context made */
const contextRequests: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  browser.context.on("request", (request) => contextRequests.push(request.url()));
  watched = await openPage(browser.context, `${inject("devUrl")}`);
  // a string, so vitest does not rewrite the dynamic imports for Node
  await watched.page.evaluate(`Promise.all([
    import("/src/host/index.ts"), import("/src/engine/index.ts"), import("/src/quant/index.ts"), import("/src/kernels/index.ts")
  ]).then(([host, engine, quant, kernels]) => { window.gb = {host, engine, quant, kernels}; })`);
});

afterAll(async () => {
  await browser?.close();
});

/** Runs an async function body in the page with `gb` = {host, engine, quant, kernels} and `bitsEqual(a, b)`. */
function inPage<T>(body: string): Promise<T> {
  return watched.page.evaluate(`(async () => {
    const {host, engine, quant, kernels} = window.gb;
    const bitsEqual = (a, b) => a.length === b.length &&
      new Uint32Array(a.buffer, a.byteOffset, a.length).every((x, i) => x === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]);
    ${body}
  })()`) as Promise<T>;
}

/** Page code: the default model's tokens for a short text, cut to 16 (the test asks for 16 positions). */
const TOKENS = `engine.encode(engine.loadDefaultModel().tokenizer, "One day the little cat sat on the warm mat and looked at the birds in the tree.").slice(0, 16)`;

describe("engine host in a Worker (chromium)", () => {
  it('createWorkerHost().request("run") gives bitwise the logits of the engine called in the page', async () => {
    const result = await inPage<Record<string, unknown>>(`
      const worker = host.createWorkerHost();
      const info = await worker.request("load", {});
      const tokens = ${TOKENS};
      if (tokens.length !== 16) throw new Error("the text must give at least 16 tokens");
      const plain = await worker.request("run", {tokens});
      const patches = [{hook: "attn.hook_z", layer: 2, head: 1, op: "zero"}, {hook: "hook_resid_mid", pos: 3, op: "scale", value: 0.5}];
      const patched = await worker.request("run", {tokens, patches});
      await worker.request("quant", {quant: "q4_0", weights: "fused", act: "q8_0"});
      const quantized = await worker.request("run", {tokens});
      const cached = await worker.request("cache", {tokens, names: ["attn.hook_pattern"], layers: [1]});
      worker.close();

      const files = engine.DEFAULT_MODEL_FILES();
      const {model} = await kernels.createModel(files.checkpoint, files.tokenizer);
      const expected = {
        plain: engine.prefill(model, tokens).slice(),
        patched: engine.runWithHooks(model, tokens, {patches}),
      };
      quant.setQuant(model, {quant: "q4_0", weights: "fused", act: "q8_0"});
      expected.quantized = engine.prefill(model, tokens).slice();
      const cache = engine.runWithCache(model, tokens, {names: ["attn.hook_pattern"], layers: [1]}).cache;
      const pattern = cached.cache["blocks.1.attn.hook_pattern"][0];
      return {
        isolated: crossOriginIsolated,
        backend: info.backend,
        config: info.config,
        pageConfig: {...model.config},
        isFloat32: plain.logits instanceof Float32Array,
        shape: plain.shape,
        plain: bitsEqual(plain.logits, expected.plain),
        patchedDiffers: !bitsEqual(patched.logits, expected.plain),
        patched: bitsEqual(patched.logits, expected.patched),
        quantized: bitsEqual(quantized.logits, expected.quantized),
        cacheShape: pattern.shape,
        cache: bitsEqual(pattern.data, cache["blocks.1.attn.hook_pattern"][0].data)
      };`);
    const config = result.pageConfig as {vocabSize: number; nHeads: number};
    expect(result).toEqual({
      isolated: true,
      backend: "wasm-simd128 ×1 thread",
      config,
      pageConfig: config,
      isFloat32: true,
      shape: [16, config.vocabSize],
      plain: true,
      patchedDiffers: true,
      patched: true,
      quantized: true,
      cacheShape: [config.nHeads, 16, 16],
      cache: true
    });
  });

  it('request("load", {checkpoint, tokenizer}) moves the bytes to the Worker and reports progress', async () => {
    const result = await inPage<Record<string, unknown>>(`
      const worker = host.createWorkerHost();
      const checkpoint = engine.seededCheckpoint();
      const size = checkpoint.byteLength;
      const progress = [];
      const info = await worker.request("load", {checkpoint, tokenizer: engine.byteTokenizer()}, {onEvent: (p) => progress.push(p)});
      const {text} = await worker.request("generate", {prompt: "Once", steps: 20, sampler: {temperature: 0}});
      const {model, tokenizer} = await kernels.createModel(engine.seededCheckpoint(), engine.byteTokenizer());
      let expected = "";
      const stream = new engine.TextStream(tokenizer);
      for await (const s of engine.generate(model, {tokens: engine.encode(tokenizer, "Once"), steps: 20, sampler: {temperature: 0}}))
        if (!s.end) expected += stream.push(s.token, s.next);
      worker.close();
      return {moved: checkpoint.byteLength === 0, progress: progress.at(-1).loaded === size, source: info.source, same: text === expected + stream.flush()};`);
    expect(result).toEqual({moved: true, progress: true, source: "checkpoint", same: true});
  });

  it.each([
    ["with a shared cancel flag", true],
    ["through the message loop only (a page that is not cross-origin isolated)", false]
  ])(
    "a cancelled generate yields fewer tokens than requested and the Worker answers the next request, %s",
    async (how, sharedMemory) => {
      // The engine's own count of tokens pushed through the model (the quant provider's counters) says how far it
      // got, whatever the client saw; a fp32 "quant" spec installs the provider without changing a number.
      const result = await inPage<Record<string, unknown>>(`
      const worker = host.createWorkerHost({sharedMemory: ${sharedMemory}});
      const {config} = await worker.request("load", {});
      await worker.request("quant", {quant: "fp32", weights: "fp32"});
      const requested = 255;
      const controller = new AbortController();
      let seen = 0;
      const run = worker.request("generate", {steps: requested, stopAtBos: false},
        {signal: controller.signal, onEvent: () => { if (++seen === 5) controller.abort(); }});
      const error = await run.then(() => null, (e) => e);
      const cancelledAt = performance.now();
      const seenAtCancel = seen;
      const afterSignal = (await worker.request("stats", {reset: true})).counters.tokens;
      const answeredMs = performance.now() - cancelledAt;
      // a newer request on the same channel cancels the one in flight
      let olderSeen = 0;
      const older = worker.request("generate", {steps: requested, stopAtBos: false}, {channel: "chart", onEvent: () => olderSeen++});
      while (olderSeen < 3) await new Promise((r) => setTimeout(r, 1));
      const newer = worker.request("run", {tokens: [1, 2, 3]}, {channel: "chart"});
      const superseded = await older.then(() => null, (e) => e);
      const answer = await newer;
      const afterChannel = (await worker.request("stats", {})).counters.tokens - answer.shape[0];
      worker.close();
      return {
        abort: host.isAbortError(error),
        seenAtCancel,
        seenLater: seen,
        afterSignal,
        afterChannel,
        superseded: superseded && superseded.message,
        answered: answer.shape,
        vocabSize: config.vocabSize,
        answeredMs
      };`);
      console.log(
        `[host] ${how}: tokens the Worker engine ran of 255 requested: ${result.afterSignal} (cancelled by signal after 5 ` +
          `events), ${result.afterChannel} (superseded after >= 3); next request answered ` +
          `${(result.answeredMs as number).toFixed(1)} ms after the cancel`
      );
      expect(result).toMatchObject({
        abort: true,
        seenAtCancel: 5,
        seenLater: 5, // events the engine posted after the cancel are dropped
        superseded: "superseded by a newer request on channel chart",
        answered: [3, result.vocabSize]
      });
      expect(result.afterSignal).toBeGreaterThanOrEqual(5);
      expect(result.afterSignal).toBeLessThan(255);
      expect(result.afterChannel).toBeGreaterThanOrEqual(3);
      expect(result.afterChannel).toBeLessThan(255);
    }
  );

  it("the page keeps painting frames while the Worker generates (longest frame gap reported)", async () => {
    const result = await inPage<{frames: number; maxGapMs: number; steps: number}>(`
      const worker = host.createWorkerHost();
      await worker.request("load", {});
      let frames = 0, last = performance.now(), maxGapMs = 0, running = true;
      const frame = (t) => { frames++; maxGapMs = Math.max(maxGapMs, t - last); last = t; if (running) requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
      const {steps} = await worker.request("generate", {steps: 255, stopAtBos: false, sampler: {temperature: 0.9}});
      running = false;
      worker.close();
      return {frames, maxGapMs, steps};`);
    console.log(
      `[host] ${result.frames} frames painted during a ${result.steps}-step Worker generate; ` +
        `longest gap ${result.maxGapMs.toFixed(1)} ms`
    );
    expect(result.steps).toBe(255);
    expect(result.frames).toBeGreaterThan(0);
  });

  it("a Worker that crashes rejects every pending request with a clear message", async () => {
    const result = await inPage<string[]>(`
      const source = "self.onmessage = () => { throw new Error('boom'); };";
      const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
      const crashing = host.createWorkerHost({spawn: () => new Worker(url, {type: "module"})});
      const settled = await Promise.allSettled([crashing.request("load", {}), crashing.request("run", {tokens: [1]})]);
      const later = await crashing.request("run", {tokens: [1]}).then(() => "resolved", (e) => e.message);
      return [...settled.map((s) => s.status + ": " + (s.reason && s.reason.message)), later];`);
    expect(result).toHaveLength(3);
    for (const line of result)
      expect(line).toMatch(/^(rejected: )?engine worker crashed: .*boom.*; call host\.restart\(\)/);
  });

  it("the Worker script is served locally and no request leaves localhost", async () => {
    expect(contextRequests.some((url) => url.includes("engine.worker"))).toBe(true);
    expect(contextRequests.filter((url) => !/^(https?:\/\/(localhost|127\.0\.0\.1)|blob:|data:)/.test(url))).toEqual(
      []
    );
    expect(await watched.problems()).toEqual([]);
  });
});

// The in-page host computes exactly what the engine computes: same code, same kernels, same thread, no copy on the way.
import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG, DEFAULT_MODEL_FILES, loadDefaultModel} from "../../src/engine/index.ts";
import {prefill, runWithCache} from "../../src/engine/index.ts";
import type {HookFn, HookName} from "../../src/engine/index.ts";
import {createInPageHost} from "../../src/host/index.ts";
import {setQuant} from "../../src/quant/index.ts";
import {describeWithFixtures} from "../helpers/fixtures.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {fixtureBytes, LOGITS_ATOL, readCase} from "../engine/helpers.ts";
import {bits} from "./helpers.ts";
import {createModel} from "../../src/kernels/index.ts";

const TOKENS = [1, 76, 111, 111, 107, 35, 97, 116, 35, 116, 104, 101, 35, 99, 97, 116];

/** The built-in model as the host loads it by default: createModel, on the wasm kernels. */
const builtIn = () => createModel(DEFAULT_MODEL_FILES().checkpoint, DEFAULT_MODEL_FILES().tokenizer);

describe("createInPageHost()", () => {
  it('request("run", {tokens}) gives exactly the engine\'s prefill logits', async () => {
    const host = createInPageHost();
    await host.request("load", {});
    const {logits, shape} = await host.request("run", {tokens: TOKENS});
    const {model} = await builtIn();
    expect(shape).toEqual([TOKENS.length, model.config.vocabSize]);
    expect(bits(logits)).toEqual(bits(prefill(model, TOKENS)));
  });

  it('request("run", {tokens, mode: "decode"}) gives exactly the engine\'s decode logits', async () => {
    const host = createInPageHost();
    await host.request("load", {});
    const {logits} = await host.request("run", {tokens: TOKENS, mode: "decode"});
    const {model} = await builtIn();
    const expected = runWithCache(model, TOKENS, {mode: "decode", names: []}).logits;
    expect(bits(logits)).toEqual(bits(expected));
  });

  it('request("quant", spec) then run gives exactly the quantized engine\'s logits', async () => {
    const host = createInPageHost();
    await host.request("load", {});
    const state = await host.request("quant", {quant: "q4_0", weights: "fused", act: "q8_0"});
    expect(state.settings).toEqual({quant: "q4_0", weights: "fused", act: "q8_0"});
    const {logits} = await host.request("run", {tokens: TOKENS});
    const {model} = await builtIn();
    setQuant(model, {quant: "q4_0", weights: "fused", act: "q8_0"});
    expect(bits(logits)).toEqual(bits(prefill(model, TOKENS)));
  });

  it('request("load", {kernels}) runs on the wasm kernels by default and on the plain TS engine with "ts"', async () => {
    const host = createInPageHost();
    const wasm = await host.request("load", {});
    expect(wasm.backend).toMatch(/^wasm-simd128 ×1 thread/);
    const ts = await host.request("load", {kernels: "ts"});
    expect(ts.backend).toBe("plain TS kernels");
    const {logits} = await host.request("run", {tokens: TOKENS});
    expect(bits(logits)).toEqual(bits(prefill(loadDefaultModel().model, TOKENS)));
    await expect(host.request("load", {kernels: "gpu" as never})).rejects.toThrow("invalid kernels: gpu");
  });

  it('request("run", {tokens, hooks}) runs hook functions in the page, where the engine runs', async () => {
    const host = createInPageHost();
    await host.request("load", {});
    const seen: string[] = [];
    const zero: HookFn = (act, hook) => {
      seen.push(`${hook.name} [${hook.shape}]`);
      act.fill(0);
    };
    const hooks: [HookName, HookFn][] = [["blocks.1.attn.hook_z", zero]];
    const patched = await host.request("run", {tokens: TOKENS.slice(0, 4), hooks});
    const byPatch = await host.request("run", {
      tokens: TOKENS.slice(0, 4),
      patches: [{hook: "attn.hook_z", layer: 1, op: "zero"}]
    });
    expect(seen).toEqual([`blocks.1.attn.hook_z [4,${DEFAULT_CONFIG.nHeads},${DEFAULT_CONFIG.headSize}]`]);
    expect(bits(patched.logits)).toEqual(bits(byPatch.logits));
  });
});

describeWithFixtures("llama2c", "createInPageHost() on a real checkpoint", () => {
  it('request("load", {checkpoint, tokenizer}) then run matches llama2.c within LOGITS_ATOL', async () => {
    const {json, logits: reference} = readCase("stories260K-once-upon");
    const host = createInPageHost();
    const progress: number[] = [];
    const info = await host.request(
      "load",
      {checkpoint: fixtureBytes(json.checkpoint), tokenizer: fixtureBytes(json.tokenizer)},
      {onEvent: ({loaded}) => progress.push(loaded)}
    );
    expect(info.source).toBe("checkpoint");
    expect(info.config.dim).toBe(64);
    expect(progress.at(-1)).toBe(fixtureBytes(json.checkpoint).byteLength);
    const {logits} = await host.request("run", {tokens: json.input_tokens, mode: "decode"});
    expectClose(logits, reference, {atol: LOGITS_ATOL}, "stories260K logits");
    const {model} = await createModel(fixtureBytes(json.checkpoint), fixtureBytes(json.tokenizer));
    expect(bits(logits)).toEqual(bits(runWithCache(model, json.input_tokens, {mode: "decode", names: []}).logits));
  });
});

import {describe, expect, it, vi} from "vitest";
import {readCheckpoint, writeCheckpoint} from "../../src/engine/checkpoint.ts";
import {byteTokenizer, loadDefaultModel, SEEDED_CONFIG, seededCheckpoint} from "../../src/engine/default-model.ts";
import {forward, prefill} from "../../src/engine/forward.ts";
import {addHook, type HookContext} from "../../src/engine/hooks/hooks.ts";
import {hookNames, hookShape, parseHookName, type HookName} from "../../src/engine/hooks/names.ts";
import {runWithCache, runWithHooks} from "../../src/engine/hooks/run.ts";
import type {PatchSpec} from "../../src/engine/hooks/patch.ts";
import {loadModelFromBytes} from "../../src/engine/load.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** the same sums in the same order: hooks that change nothing must leave the logits bit for bit */
const HOOK_ATOL = 1e-6;

const tokens = [1, 35, 76, 107, 114, 124, 35, 104];

const EXPECTED_2_LAYERS = [
  "hook_embed",
  ...[0, 1].flatMap((l) =>
    [
      "hook_resid_pre",
      "ln1.hook_scale",
      "ln1.hook_normalized",
      "attn.hook_q",
      "attn.hook_k",
      "attn.hook_v",
      "attn.hook_rot_q",
      "attn.hook_rot_k",
      "attn.hook_attn_scores",
      "attn.hook_pattern",
      "attn.hook_z",
      "hook_attn_out",
      "hook_resid_mid",
      "ln2.hook_scale",
      "ln2.hook_normalized",
      "mlp.hook_pre",
      "mlp.hook_pre_linear",
      "mlp.hook_post",
      "hook_mlp_out",
      "hook_resid_post"
    ].map((k) => `blocks.${l}.${k}`)
  ),
  "ln_final.hook_scale",
  "ln_final.hook_normalized",
  "unembed.hook_out"
];

/** Records every hook call: name, shape, length. */
function recordAll(model: ReturnType<typeof loadDefaultModel>["model"]) {
  const calls: {ctx: HookContext; length: number}[] = [];
  const removers = hookNames(model.config.nLayers).map((name) =>
    addHook(model, name, (act, ctx) => void calls.push({ctx, length: act.length}))
  );
  return {calls, remove: () => removers.forEach((r) => r())};
}

describe("hook names", () => {
  it("hookNames(2) lists every hook in execution order", () => {
    expect(hookNames(2)).toEqual(EXPECTED_2_LAYERS);
  });

  it("the forward pass calls hooks in the order hookNames gives", () => {
    const {model} = loadDefaultModel();
    const {calls, remove} = recordAll(model);
    forward(model, 1, 0);
    remove();
    expect(calls.map((c) => c.ctx.name)).toEqual(hookNames(model.config.nLayers));
  });

  it("hookShape(config, key, mode, T, pos0) gives the documented shapes", () => {
    const c = SEEDED_CONFIG; // dim 128, 4 heads of 32, 2 kv heads, hidden 384, vocab 259
    expect(hookShape(c, "attn.hook_k", "prefill", 5, 0)).toEqual([5, 2, 32]);
    expect(hookShape(c, "attn.hook_k", "decode", 1, 7)).toEqual([2, 32]);
    expect(hookShape(c, "attn.hook_pattern", "prefill", 5, 3)).toEqual([4, 5, 8]);
    expect(hookShape(c, "attn.hook_pattern", "decode", 1, 7)).toEqual([4, 8]);
    expect(hookShape(c, "ln1.hook_scale", "prefill", 5, 0)).toEqual([5, 1]);
    expect(hookShape(c, "mlp.hook_post", "decode", 1, 0)).toEqual([384]);
    expect(hookShape(c, "unembed.hook_out", "prefill", 2, 0)).toEqual([2, 259]);
  });

  for (const mode of ["decode", "prefill"] as const)
    it(`every observed activation has its documented shape (${mode})`, () => {
      const {model} = loadDefaultModel();
      prefill(model, [1, 2, 3]);
      const {calls, remove} = recordAll(model);
      if (mode === "prefill") prefill(model, tokens.slice(0, 4), 3);
      else forward(model, 9, 3);
      remove();
      const T = mode === "prefill" ? 4 : 1;
      expect(calls).toHaveLength(EXPECTED_2_LAYERS.length + 2 * 20);
      for (const {ctx, length} of calls) {
        const documented = hookShape(model.config, parseHookName(ctx.name).key, mode, T, 3);
        expect(ctx.shape, ctx.name).toEqual(documented);
        expect(length, ctx.name).toBe(documented.reduce((a, b) => a * b, 1));
      }
    });

  it("parseHookName(name) refuses unknown names", () => {
    expect(() => parseHookName("blocks.0.attn.hook_nope")).toThrow("invalid hook: blocks.0.attn.hook_nope");
  });
});

describe("runWithHooks", () => {
  for (const mode of ["decode", "prefill"] as const)
    it(`an identity hook at every point changes nothing and runs once per hook per step (${mode})`, () => {
      const {model} = loadDefaultModel();
      const plain = runWithHooks(model, tokens, {mode});
      const counts = new Map<string, number>();
      const hooks = hookNames(model.config.nLayers).map((name): [HookName, (a: Float32Array) => Float32Array] => [
        name,
        (act) => {
          counts.set(name, (counts.get(name) ?? 0) + 1);
          return act.slice(); // a replacement equal to the original
        }
      ]);
      const hooked = runWithHooks(model, tokens, {mode, hooks});
      expectClose(hooked, plain, {atol: HOOK_ATOL});
      const steps = mode === "decode" ? tokens.length : 1;
      expect(new Set(counts.values())).toEqual(new Set([steps]));
      expect(counts.size).toBe(hookNames(model.config.nLayers).length);
      expect(model.hooks).toBeNull();
    });

  it("zeroing head 2 of layer 1 through hook_z equals zeroing that head's columns of W_O", () => {
    const {model} = loadModelFromBytes(seededCheckpoint(), byteTokenizer());
    const spec: PatchSpec = {hook: "attn.hook_z", layer: 1, head: 2, op: "zero"};
    const patched = runWithHooks(model, tokens, {patches: [JSON.parse(JSON.stringify(spec))]});
    const {config, weights} = readCheckpoint(seededCheckpoint());
    const {dim: D, headSize: HS} = config;
    const wo = weights.wo.subarray(D * D, 2 * D * D);
    for (let row = 0; row < D; row++) wo.fill(0, row * D + 2 * HS, row * D + 3 * HS);
    const ablated = loadModelFromBytes(writeCheckpoint(config, weights), byteTokenizer()).model;
    expectClose(patched, prefill(ablated, tokens), {atol: HOOK_ATOL});
    const unpatched = runWithHooks(model, tokens);
    expect(Math.max(...patched.map((v, i) => Math.abs(v - unpatched[i]!)))).toBeGreaterThan(1e-3);
  });

  it("patch specs scale, replace and mean-ablate the selected elements", () => {
    const {model} = loadDefaultModel();
    const seen = (patches: PatchSpec[]) =>
      runWithCache(model, tokens, {names: ["blocks.0.hook_resid_pre"], patches}).cache["blocks.0.hook_resid_pre"]![0]!
        .data;
    const plain = seen([]);
    const D = model.config.dim;
    const scaled = seen([{hook: "blocks.0.hook_resid_pre", op: "scale", value: 2, pos: 3}]);
    expectClose(
      scaled.subarray(3 * D, 4 * D),
      plain.subarray(3 * D, 4 * D).map((v) => 2 * v),
      {atol: HOOK_ATOL}
    );
    expectClose(scaled.subarray(0, 3 * D), plain.subarray(0, 3 * D), {atol: HOOK_ATOL});
    const replaced = seen([{hook: "blocks.0.hook_resid_pre", op: "replace", value: 0.5, pos: 1}]);
    expect(Array.from(new Set(replaced.subarray(D, 2 * D)))).toEqual([0.5]);
    const mean = seen([{hook: "blocks.0.hook_resid_pre", op: "mean"}]);
    for (let t = 1; t < tokens.length; t++)
      expectClose(mean.subarray(t * D, (t + 1) * D), mean.subarray(0, D), {atol: HOOK_ATOL});
    let sum = 0;
    for (let t = 0; t < tokens.length; t++) sum += plain[t * D]!;
    expectClose(mean[0]!, sum / tokens.length, {atol: 1e-6});
  });

  it("replacing ln1.hook_scale renormalizes with the new scale", () => {
    const {model} = loadDefaultModel();
    const names: HookName[] = ["blocks.0.ln1.hook_normalized"];
    const plain = runWithCache(model, tokens, {names}).cache[names[0]!]![0]!.data;
    const doubled = runWithCache(model, tokens, {
      names,
      patches: [{hook: "blocks.0.ln1.hook_scale", op: "scale", value: 2}]
    }).cache[names[0]!]![0]!.data;
    expectClose(
      doubled,
      plain.map((v) => v / 2),
      {atol: HOOK_ATOL}
    );
  });

  it("patch specs refuse what they cannot do", () => {
    const {model} = loadDefaultModel();
    const bad: [PatchSpec, RegExp][] = [
      [{hook: "attn.hook_z", op: "explode" as "zero"}, /invalid patch op: explode/],
      [{hook: "hook_resid_pre", head: 0, op: "zero"}, /has no head axis/],
      [{hook: "attn.hook_z", layer: 9, op: "zero"}, /invalid layer: 9/],
      [{hook: "attn.hook_pattern", op: "mean"}, /its first axis is not pos/]
    ];
    for (const [spec, message] of bad) expect(() => runWithHooks(model, tokens, {patches: [spec]})).toThrow(message);
    expect(model.hooks).toBeNull();
  });
});

describe("runWithCache", () => {
  it("runWithCache(model, tokens) holds the activations of a plain run", () => {
    const {model} = loadDefaultModel();
    const plain = prefill(model, tokens).slice();
    const {logits, cache} = runWithCache(model, tokens);
    expect(logits).toEqual(plain);
    const get = (name: string) => cache[name]![0]!.data;
    expect(get("unembed.hook_out")).toEqual(plain);
    const D = model.config.dim;
    expect(get("hook_embed").subarray(D, 2 * D)).toEqual(model.weights.tokEmbeddings.subarray(35 * D, 36 * D));
    for (let l = 0; l < model.config.nLayers; l++) {
      const mid = get(`blocks.${l}.hook_resid_pre`).map((v, i) => v + get(`blocks.${l}.hook_attn_out`)[i]!);
      expectClose(get(`blocks.${l}.hook_resid_mid`), mid, {atol: HOOK_ATOL}, `resid_mid ${l}`);
      const post = mid.map((v, i) => v + get(`blocks.${l}.hook_mlp_out`)[i]!);
      expectClose(get(`blocks.${l}.hook_resid_post`), post, {atol: HOOK_ATOL}, `resid_post ${l}`);
      if (l > 0) expect(get(`blocks.${l}.hook_resid_pre`)).toEqual(get(`blocks.${l - 1}.hook_resid_post`));
    }
  });

  it("runWithCache(model, tokens, {mode: decode}) holds the same values, one entry per step", () => {
    const {model} = loadDefaultModel();
    const names: HookName[] = ["blocks.1.attn.hook_z", "blocks.0.attn.hook_pattern"];
    const batched = runWithCache(model, tokens, {names}).cache;
    const stepped = runWithCache(model, tokens, {names, mode: "decode"}).cache;
    const D = model.config.dim;
    const T = tokens.length;
    expect(stepped["blocks.1.attn.hook_z"]).toHaveLength(T);
    for (let t = 0; t < T; t++) {
      expectClose(
        stepped["blocks.1.attn.hook_z"]![t]!.data,
        batched["blocks.1.attn.hook_z"]![0]!.data.subarray(t * D, (t + 1) * D),
        {atol: 1e-5}
      );
      const pattern = stepped["blocks.0.attn.hook_pattern"]![t]!;
      expect(pattern.shape).toEqual([4, t + 1]);
      const row = batched["blocks.0.attn.hook_pattern"]![0]!.data.subarray(
        T * 2 * T + t * T,
        T * 2 * T + t * T + t + 1
      ); // head 2
      expectClose(pattern.data.subarray(2 * (t + 1), 3 * (t + 1)), row, {atol: 1e-5}, `pattern head 2, pos ${t}`);
    }
  });

  it("runWithCache(model, tokens, {names, layers}) keeps only the selection", () => {
    const {model} = loadDefaultModel();
    const {cache} = runWithCache(model, tokens, {names: ["attn.hook_q", "unembed.hook_out"], layers: [2]});
    expect(Object.keys(cache)).toEqual(["blocks.2.attn.hook_q", "unembed.hook_out"]);
    expect(() => runWithCache(model, tokens, {names: ["attn.hook_nope" as HookName]})).toThrow(
      "invalid hook: attn.hook_nope"
    );
  });

  it("runWithCache(model, tokens, {maxBytes}) refuses before running when the copies would not fit", () => {
    const {model} = loadDefaultModel();
    const spy = vi.fn();
    addHook(model, "hook_embed", spy)();
    expect(() => runWithCache(model, tokens, {maxBytes: 100_000})).toThrow(
      /activation cache needs \d+\.\d MiB, over the budget of 0\.1 MiB; select fewer hooks/
    );
    expect(spy).not.toHaveBeenCalled();
    expect(model.hooks).toBeNull();
  });
});

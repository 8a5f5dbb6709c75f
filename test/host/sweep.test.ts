// sweep: each variant's logits equal a run of its own, the model's quant settings come back afterwards, and a
// cancel stops the sweep between variants.
import {describe, expect, it} from "vitest";
import {DEFAULT_CONFIG, type PatchSpec} from "../../src/engine/index.ts";
import {createInPageHost, isAbortError, type SweepVariant} from "../../src/host/index.ts";
import {bits} from "./helpers.ts";

const TOKENS = [1, 35, 116, 104, 101, 35, 100, 111, 103];
const V = DEFAULT_CONFIG.vocabSize;
const headAblations: PatchSpec[][] = [0, 1, 2, 3].map((head) => [{hook: "attn.hook_z", layer: 1, head, op: "zero"}]);

async function loaded() {
  const host = createInPageHost();
  await host.request("load", {});
  return host;
}

describe('request("sweep", {tokens, variants, positions})', () => {
  it("gives each variant's rows of logits exactly as a run of that variant alone", async () => {
    const host = await loaded();
    await host.request("quant", {quant: "q8_0", weights: "cached"});
    const variants: SweepVariant[] = [
      ...headAblations.map((patches) => ({patches})),
      {quant: {quant: "q4_0", weights: "fused"}}
    ];
    const positions = [2, TOKENS.length - 1];
    const {logits, shape} = await host.request("sweep", {tokens: TOKENS, variants, positions});
    expect(shape).toEqual([variants.length, 2, V]);
    for (const [i, variant] of variants.entries()) {
      if (variant.quant) await host.request("quant", variant.quant);
      const alone = (await host.request("run", {tokens: TOKENS, patches: variant.patches})).logits;
      if (variant.quant) await host.request("quant", {quant: "q8_0", weights: "cached"});
      for (const [j, p] of positions.entries())
        expect(bits(logits.subarray((i * 2 + j) * V, (i * 2 + j + 1) * V))).toEqual(
          bits(alone.subarray(p * V, (p + 1) * V))
        );
    }
  });

  it("leaves the model's quantization as it was", async () => {
    const host = await loaded();
    const before = (await host.request("run", {tokens: TOKENS})).logits;
    await host.request("sweep", {tokens: TOKENS, variants: [{quant: {quant: "q4_0"}}, {quant: {quant: "int3:g32"}}]});
    expect(await host.request("stats", {})).toBeNull();
    expect(bits((await host.request("run", {tokens: TOKENS})).logits)).toEqual(bits(before));
  });

  it("stops between variants when cancelled, and rejects bad variants and positions", async () => {
    const host = await loaded();
    // the fp32 quant provider changes no number and counts the tokens the engine embeds
    await host.request("quant", {quant: "fp32", weights: "fp32"});
    const controller = new AbortController();
    const variants = Array.from({length: 50}, () => ({patches: headAblations[0]}));
    const run = host.request(
      "sweep",
      {tokens: TOKENS, variants},
      {signal: controller.signal, onEvent: ({done}) => done === 3 && controller.abort()}
    );
    expect(isAbortError(await run.catch((e) => e))).toBe(true);
    expect((await host.request("stats", {}))!.counters.tokens).toBe(3 * TOKENS.length);
    await expect(host.request("sweep", {tokens: TOKENS, variants: []})).rejects.toThrow("invalid variants");
    await expect(host.request("sweep", {tokens: TOKENS, variants: [{}], positions: [9]})).rejects.toThrow(
      "invalid position: 9 (an index into the 9 tokens)"
    );
  });
});

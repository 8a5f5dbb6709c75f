import {describe, expect, it} from "vitest";
import {
  activationBatches,
  activationsToTable,
  cacheEntries,
  META,
  readArrowBytes,
  readRunInfo,
  toIPC,
  type CachedActivation
} from "../../src/data/index.ts";
import {SAMPLE_RUN, sampleTrace, T} from "./sample-trace.ts";
import {loadDefaultModel} from "../../src/engine/default-model.ts";
import {hookNames} from "../../src/engine/hooks/names.ts";
import {runWithCache} from "../../src/engine/hooks/run.ts";

/** Rows we expect, derived by hand from one activation: (position, head, values) in row order. */
function expectedRows(a: CachedActivation): {position: number; head: number | null; values: number[]}[] {
  const rows = [];
  const posAxis = a.dims.indexOf("pos");
  const headAxis = a.dims.findIndex((d) => d === "n_heads" || d === "n_kv_heads");
  const P = posAxis < 0 ? 1 : a.shape[posAxis]!;
  const NH = headAxis < 0 ? 1 : a.shape[headAxis]!;
  const rowLength = a.data.length / (P * NH);
  for (let p = 0; p < P; p++) {
    for (let h = 0; h < NH; h++) {
      // hook_attn_scores is (NH, T, kLen): head outermost; all others put pos first
      const index = headAxis === 0 && posAxis === 1 ? h * P + p : p * NH + h;
      const values = Array.from(a.data.subarray(index * rowLength, (index + 1) * rowLength));
      rows.push({position: a.pos0 + p, head: headAxis < 0 ? null : h, values});
    }
  }
  return rows;
}

describe("activationsToTable(trace, run)", () => {
  const trace = sampleTrace();
  const table = activationsToTable(trace, SAMPLE_RUN);

  it("activationsToTable(trace, run) has one row per hook × position × head, in cache order", () => {
    const expected = trace.activations.flatMap((a) =>
      expectedRows(a).map((r) => ({
        hook: a.name,
        layer: a.layer! < 0 ? null : a.layer,
        position: r.position,
        token_id: trace.tokens[r.position],
        token: trace.text![r.position],
        head: r.head,
        values: r.values
      }))
    );
    const actual = table.toArray().map((row) => {
      const {values, ...rest} = row.toJSON();
      return {...rest, values: Array.from(values.toArray() as Float32Array)};
    });
    expect(actual).toEqual(expected);
    // 3-token prefill of attn.hook_q (NH 2) -> 6 rows, of hook_k (NKV 1) -> 3 rows with head 0
    expect(actual.filter((r) => r.hook === "blocks.0.attn.hook_q")).toHaveLength(T * 2);
    expect(actual.filter((r) => r.hook === "blocks.0.attn.hook_k").map((r) => r.head)).toEqual([0, 0, 0]);
  });

  it("activationsToTable(trace, run) keeps -Infinity in masked attention scores and their k_pos length", () => {
    const rows = table.toArray().filter((r) => r.hook === "blocks.1.attn.hook_attn_scores");
    const decode = rows.filter((r) => r.position === T);
    expect(rows.map((r) => r.values.length)).toEqual([3, 3, 3, 3, 3, 3, 4, 4]);
    expect(decode.map((r) => r.head)).toEqual([0, 1]);
    const first = rows.find((r) => r.position === 0 && r.head === 0)!;
    expect(Array.from(first.values.toArray() as Float32Array).slice(1)).toEqual([-Infinity, -Infinity]);
  });

  it("activationsToTable(trace, run) stores model, quant spec, seed, app version and hook dims as metadata", () => {
    const m = table.schema.metadata;
    expect(m.get(META.table)).toBe("activations");
    expect(m.get(META.schemaVersion)).toBe("1");
    expect(readRunInfo(table.schema)).toEqual({...SAMPLE_RUN, appVersion: m.get(META.appVersion)});
    expect(m.get(META.appVersion)).toMatch(/^\d+\.\d+\.\d+/);
    const hooks = JSON.parse(m.get(META.hooks)!);
    expect(hooks["blocks.0.attn.hook_q"]).toEqual({dims: ["pos", "n_heads", "d_head"], values: ["d_head"]});
    expect(hooks["blocks.0.attn.hook_attn_scores"]).toEqual({dims: ["n_heads", "pos", "k_pos"], values: ["k_pos"]});
    expect(hooks["blocks.0.ln1.hook_scale"]).toEqual({dims: ["pos", 1], values: [1]});
  });

  it("activationsToTable(trace, run) has a null token column when no text is given", () => {
    const {text: _text, ...noText} = trace;
    const t = activationsToTable(noText, SAMPLE_RUN);
    expect(t.getChild("token")!.nullCount).toBe(t.numRows);
  });
});

describe("activationBatches(trace, run, {maxBatchValues})", () => {
  const trace = sampleTrace();

  it("activationBatches(trace, run, {maxBatchValues}) cuts batches at the value budget and loses no row", () => {
    const whole = activationsToTable(trace, SAMPLE_RUN);
    const maxBatchValues = 40;
    const {batches} = activationBatches(trace, SAMPLE_RUN, {maxBatchValues});
    const list = [...batches];
    expect(list.length).toBeGreaterThan(5);
    for (const b of list) {
      const n = b.getChild("values")!.data[0]!.children[0]!.length;
      // a batch may exceed the budget only when it is a single longer row (logits: 16 values fit, so never here)
      expect(n <= maxBatchValues || b.numRows === 1).toBe(true);
    }
    const rows = list.flatMap((b) => b.toArray().map((r) => JSON.stringify(r)));
    expect(rows).toEqual(whole.toArray().map((r) => JSON.stringify(r)));
  });

  it("activationBatches(trace, run) builds each batch only when pulled, and can be iterated again", () => {
    const source = activationBatches(trace, SAMPLE_RUN, {maxBatchValues: 40});
    const iterator = source.batches[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value!.numRows).toBeLessThan(activationsToTable(trace, SAMPLE_RUN).numRows);
    const again = [...source.batches];
    expect(again[0]!.numRows).toBe(first.value!.numRows);
    // the IPC bytes of two passes are identical
    expect(toIPC(source)).toEqual(toIPC(source));
  });

  it("activationBatches(trace, run) written as IPC reads back with the same rows and metadata", () => {
    const source = activationBatches(trace, SAMPLE_RUN, {maxBatchValues: 40});
    for (const format of ["file", "stream"] as const) {
      const back = readArrowBytes(toIPC(source, format), {expect: "activations"});
      expect(back.toArray().map((r) => JSON.stringify(r))).toEqual(
        activationsToTable(trace, SAMPLE_RUN)
          .toArray()
          .map((r) => JSON.stringify(r))
      );
      expect(readRunInfo(back.schema).model).toEqual(SAMPLE_RUN.model);
    }
  });

  it("activationBatches(trace, run) rejects an activation whose shape, dims and data disagree", () => {
    const bad = {...trace, activations: [{...trace.activations[0]!, shape: [T, 9]}]};
    expect(() => activationBatches(bad, SAMPLE_RUN)).toThrow(/invalid activation hook_embed: shape \[3,9\]/);
  });

  it("activationBatches(trace, run) rejects positions beyond the tokens it was given", () => {
    expect(() => activationBatches({...trace, tokens: [1, 2], text: undefined}, SAMPLE_RUN)).toThrow(
      "invalid tokens: hook_embed covers positions 0..2 but 2 tokens"
    );
    expect(() => activationBatches({...trace, text: ["a"]}, SAMPLE_RUN)).toThrow(
      "invalid text: 1 entries for 4 tokens"
    );
  });

  it("activationBatches(trace, run) rejects a layout whose value axes come before the position axis", () => {
    const a = {...trace.activations[0]!, dims: ["d_model", "pos"], shape: [8, T]};
    expect(() => activationBatches({...trace, activations: [a]}, SAMPLE_RUN)).toThrow(
      "unsupported dims for hook_embed: [d_model,pos]; value axes must follow the pos and head axes"
    );
  });

  it("activationBatches(trace, run) rejects a run without a model name and a non-integer seed", () => {
    expect(() => activationBatches(trace, {model: {} as never})).toThrow(/invalid model/);
    expect(() => activationBatches(trace, {...SAMPLE_RUN, seed: 1.5})).toThrow("invalid seed: 1.5");
  });
});

describe("activationsToTable({tokens, activations: runWithCache(...).cache}, run)", () => {
  const {model} = loadDefaultModel();
  const {nLayers, nHeads, nKvHeads, vocabSize} = model.config;
  const tokens = [1, 35, 75, 104];

  it("activationsToTable takes the engine's cache from a prefill: every hook, every position", () => {
    const {logits, cache} = runWithCache(model, tokens);
    const table = activationsToTable({tokens, activations: cache}, SAMPLE_RUN);
    // rows per position: one per head for per-head hooks (written out here, not taken from the engine)
    const heads: Record<string, number> = {
      "attn.hook_q": nHeads,
      "attn.hook_k": nKvHeads,
      "attn.hook_v": nKvHeads,
      "attn.hook_rot_q": nHeads,
      "attn.hook_rot_k": nKvHeads,
      "attn.hook_attn_scores": nHeads,
      "attn.hook_pattern": nHeads,
      "attn.hook_z": nHeads
    };
    const perPosition = (name: string) => heads[name.replace(/^blocks\.\d+\./, "")] ?? 1;
    const expectedRows = hookNames(nLayers).reduce((n, name) => n + tokens.length * perPosition(name), 0);
    expect(table.numRows).toBe(expectedRows);
    const logitRows = table.toArray().filter((r) => r.hook === "unembed.hook_out");
    expect(logitRows.map((r) => r.position)).toEqual([0, 1, 2, 3]);
    logitRows.forEach((r) =>
      expect(r.values.toArray()).toEqual(logits.subarray(r.position * vocabSize, (r.position + 1) * vocabSize))
    );
  });

  it("cacheEntries(cache) gives decode calls their dims without the pos axis", () => {
    const {cache} = runWithCache(model, tokens, {mode: "decode", names: ["attn.hook_pattern"], layers: [0]});
    const entries = cacheEntries(cache);
    expect(entries.map((e) => [e.name, e.pos0, e.dims.join(",")])).toEqual(
      tokens.map((_, p) => ["blocks.0.attn.hook_pattern", p, "n_heads,k_pos"])
    );
    const table = activationsToTable({tokens, activations: cache}, SAMPLE_RUN);
    expect(table.toArray().map((r) => [r.position, r.head, r.values.length])).toEqual(
      tokens.flatMap((_, p) => Array.from({length: nHeads}, (_, h) => [p, h, p + 1]))
    );
  });
});

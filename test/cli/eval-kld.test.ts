// glassbox eval --base: llama-perplexity --kl-divergence against the fixtures' runs of it (../shared/fixtures/gguf,
// its README's KLD section). With --act ggml the same ids, the same chunks, mean KLD within 2 % and same top p within
// 0.5 points (rounding flips in quantized activations allow no more); with fp32 activations the difference is
// printed beside them, not asserted. Then the same model under two quant settings, and the refusals.
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, expect, it} from "vitest";
import type {KldStatistics} from "../../src/quant/perplexity/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {describeWithFixtures, fixturePath, readFixtureJson} from "../helpers/fixtures.ts";
import {glassboxInProcess as glassbox} from "./helpers.ts";

/** mean KLD within 2 % of llama-perplexity's with llama.cpp's numerics (--act ggml) */
const KLD_RTOL = 0.02;
/** same top p within half a point: a near-tied argmax flips with one rounding */
const SAME_TOP_POINTS = 0.5;
/** minutes of model runs on a loaded machine */
const SLOW = 600_000;

interface KldJson {
  model: {file: string};
  base_model: {file: string};
  chunking: {n_ctx: number; n_chunk: number; n_tokens_text: number; scored_per_chunk: number; n_scored: number};
  token_ids: number[];
  statistics: KldStatistics;
}

interface EvalJson extends Omit<KldJson, "model" | "base_model"> {
  act: string;
  kv: string;
}

const gguf = (file: string) => fixturePath("gguf", file);
const story = gguf("story.txt");

async function evalJson(...args: string[]): Promise<EvalJson> {
  const run = await glassbox("eval", "--text", story, "--ctx", "64", "--json", ...args);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as EvalJson;
}

describeWithFixtures("gguf", "glassbox eval --model Q.gguf --base F32.gguf (llama-perplexity --kl-divergence)", () => {
  const lines: string[] = [];
  afterAll(() => {
    if (lines.length) console.log(`mean KLD / same top p: llama.cpp vs ours\n${lines.join("\n")}`);
  });
  for (const run of ["rand-256.q4_k_m", "rand-256.q6_k", "stories260K.q8_0"]) {
    it(
      `${run}: the same ids and chunks; with --act ggml mean KLD within 2 %, same top p within 0.5 points`,
      async () => {
        const ref = readFixtureJson<KldJson>("gguf", `${run}.kld.json`);
        const files = ["--model", gguf(ref.model.file), "--base", gguf(ref.base_model.file)];
        const ggml = await evalJson(...files, "--act", "ggml");
        const fp32 = await evalJson(...files);
        const s = ref.statistics;
        lines.push(
          `${run.padEnd(17)} kld_mean ${s.kld_mean.value.toFixed(6)} | ggml ${ggml.statistics.kld_mean.value.toFixed(6)} ` +
            `| fp32 ${fp32.statistics.kld_mean.value.toFixed(6)}   same top ${s.same_top_p_percent.value.toFixed(3)} ` +
            `| ${ggml.statistics.same_top_p_percent.value.toFixed(3)} | ${fp32.statistics.same_top_p_percent.value.toFixed(3)} %`
        );
        for (const ours of [ggml, fp32]) {
          expect(ours.token_ids).toEqual(ref.token_ids);
          const {n_ctx, n_chunk, n_tokens_text, scored_per_chunk, n_scored} = ref.chunking;
          expect(ours.chunking).toEqual({n_ctx, n_chunk, n_tokens_text, scored_per_chunk, n_scored});
          expect(ours.kv).toBe("f32");
          // llama-perplexity's names, {value, uncertainty} exactly where it prints a ±
          expect(Object.keys(ours.statistics).sort()).toEqual(Object.keys(s).sort());
          for (const [name, v] of Object.entries(s))
            expect(typeof ours.statistics[name as keyof KldStatistics], name).toBe(typeof v);
        }
        expect(ggml.act).toBe("ggml");
        expectClose(ggml.statistics.kld_mean.value, s.kld_mean.value, {rtol: KLD_RTOL}, "mean KLD");
        expectClose(
          ggml.statistics.same_top_p_percent.value,
          s.same_top_p_percent.value,
          {atol: SAME_TOP_POINTS},
          "same top p %"
        );
      },
      SLOW
    );
  }

  it(
    "--base-quant: the same model under two settings; q8_0 against q8_0 is zero but for the 16-bit base records",
    async () => {
      const model = ["--model", gguf("rand-256.f32.gguf")];
      const same = await evalJson(...model, "--quant", "q8_0", "--base-quant", "q8_0");
      expect(same.statistics.same_top_p_percent.value).toBe(100);
      expect(Math.abs(same.statistics.kld_mean.value)).toBeLessThan(1e-5);
      const q4 = await evalJson(...model, "--quant", "q4_0", "--base-quant", "q8_0");
      expect(q4.statistics.kld_mean.value).toBeGreaterThan(100 * Math.abs(same.statistics.kld_mean.value));
      expect(q4.statistics.same_top_p_percent.value).toBeLessThan(100);
    },
    SLOW
  );

  it("refuses a base over another vocabulary, a text too short for two chunks, a bad --base-quant", async () => {
    const other = await glassbox("eval", "--text", story, "--ctx", "64", "--base", gguf("rand-256.f32.gguf"));
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/invalid base: .*rand-256\.f32\.gguf has 512 tokens, the model 768/);
    const short = join(mkdtempSync(join(tmpdir(), "glassbox-kld-")), "short.txt");
    writeFileSync(short, "Once upon a time, there was a little dog.\n");
    const files = ["--model", gguf("rand-256.q6_k.gguf"), "--base", gguf("rand-256.f32.gguf")];
    const tooShort = await glassbox("eval", "--text", short, "--ctx", "64", ...files);
    expect(tooShort.stderr).toMatch(/invalid text: \d+ tokens; a context of 64 needs at least 128/);
    const bad = await glassbox("eval", "--text", story, "--base-quant", "q9_9");
    expect(bad.stderr).toMatch(/invalid base-quant: q9_9/);
    const report = await glassbox("eval", "--text", story, ...files, "--sensitivity", "matrix");
    expect(report.stderr).toMatch(/invalid sensitivity: not with --base/);
  });
});

// glassbox eval speaks the one weight-matrix vocabulary: a spec in llama2.c's names is printed back in GGUF's, and
// the sensitivity ranking lists GGUF targets in one aligned column.
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {glassboxInProcess as glassbox} from "./helpers.ts";

describe("glassbox eval in GGUF's matrix names", () => {
  const text = join(mkdtempSync(join(tmpdir(), "glassbox-eval-")), "t.txt");
  writeFileSync(text, "Once upon a time, there was a little dog. The dog liked to run in the park.");
  it("--quant SPEC in llama2.c's names is printed back in GGUF's", async () => {
    const run = await glassbox("eval", "--text", text, "--quant", "q4_0,emb=q8_0,l1.w2=fp32");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^q4_0,token_embd=q8_0,blk\.1\.ffn_down=fp32 \(weights cached/);
  });
  it("--sensitivity matrix ranks every blk.<i>.<matrix>, token_embd and output in one column", async () => {
    const run = await glassbox("eval", "--text", text, "--quant", "q4_0", "--sensitivity", "matrix");
    expect(run.status, run.stderr).toBe(0);
    const ranking = run.stdout.split("worst first:\n")[1]!.trim().split("\n");
    expect(ranking).toHaveLength(4 * 7 + 2);
    const targets = ranking.map((line) => line.split(" ")[0]);
    expect(targets).toContain("blk.3.attn_output");
    expect(targets).toContain("token_embd");
    expect(new Set(ranking.map((line) => line.indexOf(" KLD "))).size).toBe(1);
  });
});

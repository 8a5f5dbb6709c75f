// `glassbox bench --model X.gguf`: every weight mode runs on the file's packed blocks and gets a figure, and the result
// says that the native C baseline was skipped and why. --quick: a smoke run (nothing about speed is asserted).
import {expect, it} from "vitest";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";
import {glassbox} from "./helpers.ts";

interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
}

describeWithFixtures("gguf", "glassbox bench --model X.gguf", () => {
  it("times every weight mode on a Q4_K_M file and says the C baseline is skipped", () => {
    const run = glassbox("bench", "--model", fixturePath("gguf", "rand-256.q4_k_m.gguf"), "--quick", "--json");
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {rows: Row[]; notes: string[]; config: {dim: number}};
    expect(result.config.dim).toBe(256);
    expect(result.notes.join(" ")).toMatch(/native C baseline skipped: bench\/run.c reads llama2.c checkpoints/);
    const names = result.rows.filter((r) => r.section === "modes").map((r) => r.name);
    expect(names).toEqual([
      "wasm ×1 fp32",
      "wasm ×1 dequant",
      "wasm ×1 cached",
      "wasm ×1 fused",
      "wasm ×1 fused act ggml",
      "plain TS ×1 fused"
    ]);
    for (const r of result.rows) expect(Number.isFinite(r.value) && r.value > 0, r.name).toBe(true);
    expect(result.rows.some((r) => r.section === "decode" && r.name.startsWith("C "))).toBe(false);
  }, 300_000);
});

// `glassbox bench --model X.gguf`: every weight mode runs on the file's packed blocks and gets a figure, and the result
// says that the native C baseline was skipped and why; the roofline's bandwidths; the peers (Glassbox, llama.cpp
// native, llama.cpp in wasm) under one protocol on the same file. --quick: a smoke run (nothing about speed is
// asserted).
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
    expect(result.rows.filter((r) => r.section === "roofline").map((r) => r.name)).toEqual([
      "wasm read bandwidth ×1",
      "native read bandwidth ×1"
    ]);
  }, 300_000);

  it("--shape smollm2-135m: the shape's GGUF, and the peers on that same file (Glassbox, llama.cpp native and wasm)", () => {
    const run = glassbox("bench", "--shape", "smollm2-135m", "--quant", "Q8_0", "--quick", "--json");
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {rows: Row[]; notes: string[]; shape: string; config: {dim: number}};
    expect(result.shape).toBe("smollm2-135m-1l.preset=Q8_0.gguf");
    expect(result.config.dim).toBe(576);
    expect(result.notes.filter((n) => /did not run/.test(n))).toEqual([]);
    const peers = result.rows.filter((r) => r.section === "peers");
    expect(peers.map((r) => r.name)).toEqual([
      "Glassbox fused wasm ×1, KV F32",
      "llama.cpp native (node-llama-cpp 3.21.1) ×1, KV F32",
      "llama.cpp wasm (@wllama/wllama, headless Chromium) ×1, KV F32"
    ]);
    for (const r of peers) expect(r.value, r.name).toBeGreaterThan(0);
    const refused = glassbox("bench", "--shape", "stories15M", "--quant", "Q4_K_M", "--quick");
    expect(refused.stderr).toMatch(/invalid quant: Q4_K_M \(--quant sets the preset of a real model's shape/);
  }, 300_000);
});

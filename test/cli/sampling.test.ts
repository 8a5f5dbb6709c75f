import {describe, expect, it} from "vitest";
import {main} from "../../src/cli/main.ts";
import {DEFAULT_CONFIG} from "../../src/engine/default-model.ts";

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {out: (t) => void (stdout += t), err: (t) => void (stderr += t)});
  return {status, stdout, stderr};
}

describe("glassbox generate: sampling options", () => {
  it("--temperature 1e-39 (logits / T overflows float32) samples valid tokens, greedy in the limit (issue 27.9)", async () => {
    const greedy = await run("generate", "--tokens", "1", "--steps", "12", "--temperature", "0", "--json");
    for (const topP of ["0.9", "1"]) {
      const tiny = await run(
        "generate",
        "--tokens",
        "1",
        "--steps",
        "12",
        "--temperature",
        "1e-39",
        "--top-p",
        topP,
        "--json"
      );
      expect(tiny.status, tiny.stderr).toBe(0);
      const ids = JSON.parse(tiny.stdout).tokens as number[];
      for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id < DEFAULT_CONFIG.vocabSize).toBe(true);
      expect(ids).toEqual(JSON.parse(greedy.stdout).tokens);
    }
  });

  it("--top-k 1 is greedy at any temperature; bad sampler values are refused by name", async () => {
    const greedy = await run("generate", "--tokens", "1", "--steps", "8", "--temperature", "0", "--json");
    const topK = await run("generate", "--tokens", "1", "--steps", "8", "--temperature", "3", "--top-k", "1", "--json");
    expect(JSON.parse(topK.stdout).tokens).toEqual(JSON.parse(greedy.stdout).tokens);
    for (const [args, message] of [
      [["--min-p", "2"], /invalid min-p: 2/],
      [["--repeat-penalty", "0"], /invalid repeat penalty: 0/],
      [["--top-k", "-1"], /invalid top-k/]
    ] as [string[], RegExp][]) {
      const r = await run("generate", "--tokens", "1", "--steps", "2", ...args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

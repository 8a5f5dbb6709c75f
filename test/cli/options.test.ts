import {describe, expect, it} from "vitest";
import {main} from "../../src/cli/main.ts";
import {MODEL_OPTIONS, parseArgs, toModelOptions} from "../../src/cli/options.ts";

describe("cli options", () => {
  it("parseArgs(argv, specs) reads --name value, --name=value and boolean flags", () => {
    expect(parseArgs(["--steps", "5", "--top-p=0.5", "--json"], MODEL_OPTIONS)).toEqual({
      steps: "5",
      "top-p": "0.5",
      json: true
    });
  });
  it("parseArgs(argv, specs) refuses unknown, repeated and valueless options", () => {
    expect(() => parseArgs(["--nope"], MODEL_OPTIONS)).toThrow("invalid option: --nope");
    expect(() => parseArgs(["--seed", "1", "--seed", "2"], MODEL_OPTIONS)).toThrow(
      "invalid option: --seed given twice"
    );
    expect(() => parseArgs(["--steps"], MODEL_OPTIONS)).toThrow("invalid steps: missing value");
    expect(() => parseArgs(["stray"], MODEL_OPTIONS)).toThrow("invalid argument: stray");
  });
  it("toModelOptions(raw) fills defaults", () => {
    expect(toModelOptions({})).toEqual({
      model: undefined,
      tokenizer: undefined,
      prompt: undefined,
      tokens: undefined,
      steps: undefined,
      temperature: 1,
      topP: 0.9,
      seed: 42,
      kernels: "wasm",
      threads: 1,
      json: false,
      quant: null
    });
  });
  it("toModelOptions(raw) refuses bad values", () => {
    expect(() => toModelOptions({temperature: "-1"})).toThrow("invalid temperature: -1");
    expect(() => toModelOptions({kernels: "gpu"})).toThrow("invalid kernels: gpu");
    expect(() => toModelOptions({threads: "17"})).toThrow("invalid threads: 17");
    expect(() => toModelOptions({"top-p": "1.5"})).toThrow("invalid top-p: 1.5");
    expect(() => toModelOptions({seed: "0"})).toThrow("invalid seed: 0");
    expect(() => toModelOptions({threads: "two"})).toThrow("invalid threads: two");
    expect(() => toModelOptions({tokens: "1,x"})).toThrow("invalid tokens: 1,x");
    expect(() => toModelOptions({prompt: "a", tokens: "1"})).toThrow(
      "invalid prompt: give --prompt or --tokens, not both"
    );
  });
  it("main(argv, io) names an unknown command and lists the commands", async () => {
    let err = "";
    const code = await main(["frobnicate"], {out: () => {}, err: (t) => (err += t)});
    expect(code).toBe(2);
    expect(err).toMatch(/invalid command: frobnicate[\s\S]*generate/);
  });
});

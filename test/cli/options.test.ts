import {spawn} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
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
  it("parseArgs(argv, specs, positional) takes one bare argument as that option, once", () => {
    const specs = [
      {name: "dir", type: "string", help: ""},
      {name: "port", type: "int", help: ""}
    ] as const;
    expect(parseArgs(["site", "--port", "0"], [...specs], "dir")).toEqual({dir: "site", port: "0"});
    expect(parseArgs(["--port", "0", "site"], [...specs], "dir")).toEqual({dir: "site", port: "0"});
    expect(() => parseArgs(["a", "b"], [...specs], "dir")).toThrow("invalid argument: b");
    expect(() => parseArgs(["--dir", "a", "b"], [...specs], "dir")).toThrow("invalid option: --dir given twice");
    expect(() => parseArgs(["a", "--dir", "b"], [...specs], "dir")).toThrow("invalid option: --dir given twice");
  });
  it("glassbox serve --help shows the positional: usage: glassbox serve [dir] [options]", async () => {
    let out = "";
    expect(await main(["serve", "--help"], {out: (t) => (out += t), err: () => {}})).toBe(0);
    expect(out).toMatch(/^usage: glassbox serve \[dir\] \[options\]/);
  });
  it("toModelOptions(raw) fills defaults", () => {
    expect(toModelOptions({})).toEqual({
      model: undefined,
      tokenizer: undefined,
      ctx: undefined,
      prompt: undefined,
      tokens: undefined,
      steps: undefined,
      temperature: 1,
      topP: 0.9,
      seed: 42,
      kernels: "wasm",
      threads: 1,
      json: false,
      quant: null,
      ggmlNumerics: false,
      kv: "f32",
      sampler: {
        temperature: 1,
        topP: 0.9,
        topK: undefined,
        minP: undefined,
        repeatPenalty: undefined,
        repeatLastN: undefined,
        seed: 42
      }
    });
  });
  it("toModelOptions(raw) refuses bad values", () => {
    expect(() => toModelOptions({temperature: "-1"})).toThrow("invalid temperature: -1");
    expect(() => toModelOptions({kernels: "gpu"})).toThrow("invalid kernels: gpu");
    expect(() => toModelOptions({threads: "17"})).toThrow("invalid threads: 17");
    expect(() => toModelOptions({"top-p": "1.5"})).toThrow("invalid top-p: 1.5");
    expect(() => toModelOptions({seed: "0"})).toThrow("invalid seed: 0");
    expect(() => toModelOptions({ctx: "0"})).toThrow("invalid ctx: 0");
    expect(() => toModelOptions({kv: "q4_0"})).toThrow("invalid kv: q4_0");
    expect(toModelOptions({act: "GGML"})).toMatchObject({quant: null, ggmlNumerics: true});
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

describe("glassbox serve DIR", () => {
  it("glassbox serve DIR --port 0 serves DIR (the positional is --dir)", async () => {
    const root = mkdtempSync(join(tmpdir(), "glassbox-serve-positional-"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>positional</title>");
    const bin = resolve(import.meta.dirname, "../../bin/glassbox.js");
    const child = spawn(process.execPath, [bin, "serve", root, "--port", "0"], {stdio: ["ignore", "pipe", "pipe"]});
    try {
      const url = await new Promise<string>((done, fail) => {
        let output = "";
        child.stdout.on("data", (chunk) => {
          output += chunk;
          const m = /serving (.*) at (http:\/\/\S+)/.exec(output);
          if (m) done(m[1] === root ? m[2]! : `wrong dir: ${m[1]}`);
        });
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("exit", () => fail(new Error(`serve exited: ${output}`)));
      });
      expect(url).toMatch(/^http:/);
      expect(await (await fetch(url)).text()).toContain("<title>positional</title>");
    } finally {
      child.kill("SIGTERM");
      rmSync(root, {recursive: true, force: true});
    }
  });
});

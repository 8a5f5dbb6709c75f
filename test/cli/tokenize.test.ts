import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {main} from "../../src/cli/main.ts";
import {describeWithFixtures} from "../helpers/fixtures.ts";
import {gpt2TokenizerJson, readVocab, vocabPath} from "../tokenizers/vocab-fixtures.ts";
import {glassbox} from "./helpers.ts";

/** glassbox in this process (the spawned binary is checked once below) */
async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {out: (t) => void (stdout += t), err: (t) => void (stderr += t)});
  return {status, stdout, stderr};
}

const trimmedLines = (text: string) => text.split("\n").map((l) => l.trim());

describeWithFixtures("tokenizers", "glassbox tokenize", () => {
  const spm = vocabPath("llama-spm");
  const gpt2 = vocabPath("gpt-2");

  it("--model V.gguf --file V.gguf.inp prints V.gguf.out (both vocabularies)", async () => {
    for (const vocab of [spm, gpt2]) {
      const r = await run("tokenize", "--model", vocab, "--file", vocab + ".inp");
      expect(r.status, r.stderr).toBe(0);
      expect(trimmedLines(r.stdout)).toEqual(trimmedLines(readFileSync(vocab + ".out", "utf8")));
    }
  });

  it("--text adds BOS as add_bos_token says; --no-bos leaves it out; --special parses special text", async () => {
    expect((await run("tokenize", "--model", spm, "--text", "Hello world")).stdout).toBe("1 15043 3186\n");
    expect((await run("tokenize", "--model", spm, "--text", "Hello world", "--no-bos")).stdout).toBe("15043 3186\n");
    expect((await run("tokenize", "--model", gpt2, "--text", "Hello world")).stdout).toBe("15496 995\n");
    expect((await run("tokenize", "--model", gpt2, "--text", "<|endoftext|>", "--special")).stdout).toBe("50256\n");
    const json = JSON.parse((await run("tokenize", "--model", gpt2, "--text", "Hi you", "--json")).stdout);
    expect(json.pieces.join("")).toBe("Hi you");
  });

  it("--tokenizer tokenizer.json gives the GGUF's ids; --user renders its chat template", async () => {
    const dir = mkdtempSync(join(tmpdir(), "glassbox-tokenize-"));
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(gpt2TokenizerJson(await readVocab("gpt-2"))));
    const path = join(dir, "tokenizer.json");
    const r = await run("tokenize", "--tokenizer", path, "--file", gpt2 + ".inp");
    expect(trimmedLines(r.stdout)).toEqual(trimmedLines(readFileSync(gpt2 + ".out", "utf8")));
    const folder = await run("tokenize", "--model", dir, "--file", gpt2 + ".inp"); // a folder: its tokenizer.json
    expect(folder.stdout).toBe(r.stdout);
    const empty = mkdtempSync(join(tmpdir(), "glassbox-tokenize-"));
    expect((await run("tokenize", "--model", empty, "--text", "x")).stderr).toMatch(
      /has no tokenizer.json; give --tokenizer/
    );
    expect((await run("tokenize", "--tokenizer", path, "--user", "x")).stderr).toMatch(/has no chat template/);
    const template = "{% for m in messages %}{{ m.role + ': ' + m.content + eos_token }}{% endfor %}";
    writeFileSync(
      join(dir, "tokenizer_config.json"),
      JSON.stringify({eos_token: "<|endoftext|>", chat_template: template})
    );
    const chat = await run("tokenize", "--tokenizer", path, "--system", "Be brief", "--user", "Hi");
    const plain = async (text: string) => (await run("tokenize", "--model", gpt2, "--text", text)).stdout.trim();
    expect(chat.stdout.trim()).toBe(`${await plain("system: Be brief")} 50256 ${await plain("user: Hi")} 50256`);
  });

  it("refuses missing or conflicting inputs with one line", async () => {
    const cases: [string[], RegExp][] = [
      [["--text", "x"], /missing tokenizer source: give one of --model, --tokenizer/],
      [["--model", spm], /missing input: give one of --text, --file, --user/],
      [["--model", spm, "--tokenizer", "t.json", "--text", "x"], /--model and --tokenizer together/],
      [["--model", spm, "--text", "x", "--system", "s"], /--system needs --user/],
      [["--model", spm + ".inp", "--text", "x"], /not a GGUF file/],
      [
        ["--model", spm, "--file", spm + ".inp", "--no-bos"],
        /--file always runs with add_special and parse_special off/
      ]
    ];
    for (const [args, message] of cases) {
      const r = await run("tokenize", ...args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("the glassbox binary runs it", () => {
    const r = glassbox("tokenize", "--model", spm, "--text", "Hello");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("1 15043\n");
  });
});

describe("glassbox tokenize --help", () => {
  it("lists its options", async () => {
    const r = await run("tokenize", "--help");
    for (const o of ["--model", "--tokenizer", "--text", "--file", "--no-bos", "--user"]) expect(r.stdout).toContain(o);
  });
});

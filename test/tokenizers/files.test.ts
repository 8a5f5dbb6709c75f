import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {readGgufTokenizer, readHfTokenizer} from "../../src/tokenizers/files.node.ts";
import {describeWithFixtures} from "../helpers/fixtures.ts";
import {gpt2TokenizerJson, readVocab, vocabPath} from "./vocab-fixtures.ts";

describeWithFixtures("tokenizers", "tokenizer files", () => {
  it("reads a GGUF vocabulary and a tokenizer.json (+ tokenizer_config.json beside it) to the same ids", async () => {
    const gguf = await readGgufTokenizer(vocabPath("gpt-2"));
    const dir = mkdtempSync(join(tmpdir(), "glassbox-tok-"));
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(gpt2TokenizerJson(await readVocab("gpt-2"))));
    const plain = await readHfTokenizer(join(dir, "tokenizer.json"));
    expect(plain.encode("Hello world!")).toEqual(gguf.encode("Hello world!"));
    expect(plain.chatTemplate).toBeUndefined();
    writeFileSync(
      join(dir, "tokenizer_config.json"),
      JSON.stringify({bos_token: "<|endoftext|>", add_bos_token: true, chat_template: "{{ messages[0].content }}"})
    );
    const configured = await readHfTokenizer(join(dir, "tokenizer.json"));
    expect(configured.encode("Hello")).toEqual([50256, ...gguf.encode("Hello")]);
    expect(configured.chatTemplate).toBe("{{ messages[0].content }}");
  });

  it("says which kind of file it expected", async () => {
    await expect(readHfTokenizer(vocabPath("gpt-2"))).rejects.toThrow(/is a GGUF file: pass it as --model/);
    await expect(readGgufTokenizer(vocabPath("gpt-2") + ".inp")).rejects.toThrow(/not a GGUF file/);
  });
});

describe("readHfTokenizer(path)", () => {
  it("names a file that is not JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "glassbox-tok-"));
    writeFileSync(join(dir, "tokenizer.json"), "{nope");
    await expect(readHfTokenizer(join(dir, "tokenizer.json"))).rejects.toThrow(
      /cannot read tokenizer.json .*: not JSON/
    );
  });
});

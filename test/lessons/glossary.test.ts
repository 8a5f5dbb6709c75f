// The glossary covers the notebooks: every glossary link they make (term("key") in a cell, or a link to
// glossary.html#key) finds its entry, every entry's "see" points at an entry, and the terms a learner meets in the
// lessons and in llama.cpp's world (issue 26's list) are there.
import {describe, expect, it} from "vitest";
import {GLOSSARY, glossaryEntry} from "../../src/lessons/common/index.ts";
import {listNotebooks} from "../../src/studio/vite/notebooks.node.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The glossary keys a notebook links to: term("key"…) calls and glossary.html#key links. */
function linkedKeys(source: string): string[] {
  return [...source.matchAll(/\bterm\(\s*["'`]([^"'`]+)["'`]|glossary\.html#([\w-]+)/g)].map((m) => m[1] ?? m[2]!);
}

describe("glossary", () => {
  const notebooks = listNotebooks(ROOT);
  const keys = new Set(GLOSSARY.map((e) => e.key));

  it("linkedKeys(source) finds term() calls and glossary.html# links", () => {
    expect(linkedKeys('${term("kld", "KL")} and <a href="./glossary.html#gguf">GGUF</a>, term(`qat`)')).toEqual([
      "kld",
      "gguf",
      "qat"
    ]);
  });

  it.each(notebooks.map((n) => [n.name, n] as const))(
    "every glossary link in notebooks/%s.html has an entry",
    (_, n) => {
      const missing = n.sources.flatMap(linkedKeys).filter((k) => !keys.has(k));
      expect(missing).toEqual([]);
    }
  );

  it.each([
    "qat",
    "ste",
    "bigram",
    "induction-head",
    "k-quant",
    "super-block",
    "importance-matrix",
    "gguf",
    "massive-activation",
    "attention-sink",
    "roofline"
  ])("glossaryEntry(%j) exists", (key) => {
    expect(glossaryEntry(key).definition.length).toBeGreaterThan(40);
  });

  it("keys are unique and every see-also names an entry", () => {
    expect(keys.size).toBe(GLOSSARY.length);
    expect(GLOSSARY.flatMap((e) => (e.see ?? []).filter((k) => !keys.has(k)).map((k) => `${e.key} → ${k}`))).toEqual(
      []
    );
  });
});

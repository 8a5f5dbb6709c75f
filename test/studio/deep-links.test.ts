// Every deep link the docs and notebooks print (`<notebook>.html?<name>=<value>`) names parameters that notebook
// binds with bindUrl (its name or an alias), so a documented link opens the view it promises (issue 27, item 18).
import {existsSync, readFileSync, readdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {describe, expect, it} from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const NOTEBOOKS = join(ROOT, "notebooks");

/**
 * The URL parameters a notebook binds: bindUrl("name", ...), bindUrl(["name", "alias"], ...), and the model picker's
 * "model" (modelPicker() binds it unless given another param).
 */
function boundNames(notebook: string): Set<string> {
  const text = readFileSync(join(NOTEBOOKS, notebook), "utf8");
  const names = new Set<string>();
  for (const [, single, list] of text.matchAll(/bindUrl\(\s*(?:"([\w-]+)"|\[([^\]]*)\])/g)) {
    if (single) names.add(single);
    for (const [, name] of (list ?? "").matchAll(/"([\w-]+)"/g)) names.add(name!);
  }
  if (/modelPicker\(\)/.test(text)) names.add("model");
  return names;
}

const SOURCES = [
  "README.md",
  ...readdirSync(NOTEBOOKS)
    .filter((f) => f.endsWith(".html"))
    .map((f) => `notebooks/${f}`)
];

describe("deep links in README and notebooks", () => {
  it("name parameters their notebook binds", () => {
    const links: string[] = [];
    for (const source of SOURCES) {
      const text = readFileSync(join(ROOT, source), "utf8");
      for (const [link, notebook, query] of text.matchAll(
        /([a-z][\w-]*\.html)\?([\w-]+=[^\s`)"'<>$]*(?:&[\w-]+=[^\s`)"'<>$]*)*)/g
      )) {
        if (!existsSync(join(NOTEBOOKS, notebook!))) continue;
        links.push(link);
        const bound = boundNames(notebook!);
        for (const name of new URLSearchParams(query).keys())
          expect(bound.has(name), `${source}: ${link} (${notebook} binds ${[...bound].join(", ")})`).toBe(true);
      }
    }
    expect(links).toContain("quantization-error.html?quant=q4_0");
  });
});

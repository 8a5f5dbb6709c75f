// src/data is imported by the studio in the browser: nothing it reaches (except *.node.ts files, which the browser
// never imports) may import a node: module.
import {readFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {expect, it} from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
// value imports and re-exports, not `import type` (erased at build time)
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm;

/** Every module reachable from entry through value imports, with the bare specifiers each one imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const specifiers = [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => m[1]!);
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith(".") && s.endsWith(".ts")) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return seen;
}

it("src/data/index.ts reaches no node: import and no *.node.ts module", () => {
  const modules = reachable(resolve(root, "data/index.ts"));
  const offenders = [...modules].flatMap(([file, specifiers]) =>
    specifiers.filter((s) => s.startsWith("node:") || s.endsWith(".node.ts")).map((s) => `${file} imports ${s}`)
  );
  expect(offenders).toEqual([]);
  expect(modules.size).toBeGreaterThan(8); // the walk followed the imports
});

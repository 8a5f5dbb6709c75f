// The one-way floors (docs/architecture.md, scripts/floors.js) hold on the real code, the checks catch what they
// are for, and no folder of src/ outgrows a fifth of the code.
import {readdirSync, readFileSync, statSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
// @ts-expect-error a plain-JS script without types
import {FLOORS, floorViolations, importCycles, importGraph} from "../scripts/floors.js";

/** at most this share of src/**\/*.ts lines (generated *.gen.ts excluded) in one top-level folder */
const MAX_FOLDER_SHARE = 0.2;

describe("one-way floors", () => {
  const graph: Map<string, string[]> = importGraph(".");

  it("every import points down the floors and no files import each other in a cycle", () => {
    expect(floorViolations(graph)).toEqual([]);
    expect(importCycles(graph)).toEqual([]);
  });

  it("places every folder of src/ on a floor", () => {
    const folders = readdirSync("src").filter((name) => statSync(join("src", name)).isDirectory());
    expect(folders.map((f) => `src/${f}`).filter((f) => !FLOORS.flat().includes(f))).toEqual([]);
  });

  it("reports an import that runs up, one sideways against the order, and a cycle", () => {
    const bad = new Map([
      ["src/engine/forward.ts", ["src/quant/provider.ts"]],
      ["src/kernels/a.ts", ["src/viz/b.ts"]],
      ["src/viz/b.ts", ["src/viz/c.ts"]],
      ["src/viz/c.ts", ["src/viz/b.ts"]]
    ]);
    expect(floorViolations(bad)).toEqual([
      "src/engine/forward.ts imports src/quant/provider.ts: src/engine may not import src/quant",
      "src/kernels/a.ts imports src/viz/b.ts: src/kernels may not import src/viz"
    ]);
    expect(importCycles(bad)).toEqual([["src/viz/b.ts", "src/viz/c.ts"]]);
  });

  it("reports an import that runs up studio's sub-floors: notebook < persist, export < editor", () => {
    const bad = new Map([
      ["src/studio/notebook/cells.ts", ["src/studio/editor/session.ts"]],
      ["src/studio/export/menu.ts", ["src/studio/editor/cell-view.ts", "src/studio/notebook/file.ts"]],
      ["src/studio/persist/store.ts", ["src/studio/export/menu.ts", "src/studio/notices.ts"]],
      ["src/studio/editor/session.ts", ["src/studio/export/menu.ts", "src/studio/persist/store.ts"]],
      ["src/studio/runtime.ts", ["src/studio/editor/session.ts"]]
    ]);
    expect(floorViolations(bad)).toEqual([
      "src/studio/notebook/cells.ts imports src/studio/editor/session.ts: src/studio/notebook may not import src/studio/editor",
      "src/studio/export/menu.ts imports src/studio/editor/cell-view.ts: src/studio/export may not import src/studio/editor",
      "src/studio/persist/store.ts imports src/studio/export/menu.ts: src/studio/persist may not import src/studio/export"
    ]);
  });

  it(`keeps every top-level folder of src/ under ${MAX_FOLDER_SHARE * 100} % of the lines`, () => {
    const lines = new Map<string, number>();
    const count = (dir: string, folder: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) count(path, folder);
        else if (name.endsWith(".ts") && !name.endsWith(".gen.ts"))
          lines.set(folder, (lines.get(folder) ?? 0) + readFileSync(path, "utf8").split("\n").length);
      }
    };
    for (const name of readdirSync("src"))
      if (statSync(join("src", name)).isDirectory()) count(join("src", name), name);
    const total = [...lines.values()].reduce((a, b) => a + b, 0);
    const over = [...lines].filter(([, n]) => n / total > MAX_FOLDER_SHARE).map(([f, n]) => `${f}: ${n} of ${total}`);
    expect(over).toEqual([]);
  });
});

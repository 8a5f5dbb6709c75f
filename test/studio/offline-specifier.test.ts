import {describe, expect, it} from "vitest";
import {
  formatLocalSpecifier,
  importedNames,
  stubModule,
  toLocalSpecifier
} from "../../src/studio/vite/offline-specifier.ts";

describe("toLocalSpecifier(specifier)", () => {
  it("toLocalSpecifier(cdn URL) drops the version and +esm", () => {
    expect(toLocalSpecifier("https://cdn.jsdelivr.net/npm/apache-arrow@17.0.0/+esm")).toEqual({
      name: "apache-arrow",
      path: ""
    });
    expect(toLocalSpecifier("https://cdn.jsdelivr.net/npm/d3/+esm")).toEqual({name: "d3", path: ""});
  });
  it("toLocalSpecifier(scoped cdn URL with a file path) keeps the path", () => {
    expect(toLocalSpecifier("https://cdn.jsdelivr.net/npm/@observablehq/inputs/dist/index.css")).toEqual({
      name: "@observablehq/inputs",
      path: "dist/index.css"
    });
    expect(toLocalSpecifier("https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/+esm")).toEqual({
      name: "@duckdb/duckdb-wasm",
      path: ""
    });
  });
  it("toLocalSpecifier(npm: specifier) reads name, range and path", () => {
    expect(toLocalSpecifier("npm:d3-dsv")).toEqual({name: "d3-dsv", path: ""});
    expect(toLocalSpecifier("npm:@observablehq/plot@0.6/dist/plot.umd.js")).toEqual({
      name: "@observablehq/plot",
      path: "dist/plot.umd.js"
    });
  });
  it("toLocalSpecifier(other specifiers) is null", () => {
    for (const s of ["d3", "./x.js", "https://esm.sh/d3", "jsr:@std/path", "npm:", "npm:../x", "npm:d3/../../x"]) {
      expect(toLocalSpecifier(s), s).toBeNull();
    }
  });
  it("formatLocalSpecifier({name, path}) joins them", () => {
    expect(formatLocalSpecifier({name: "katex", path: ""})).toBe("katex");
    expect(formatLocalSpecifier({name: "katex", path: "dist/katex.min.css"})).toBe("katex/dist/katex.min.css");
  });
});

describe("importedNames(source, specifier)", () => {
  it("importedNames(source, specifier) lists static named imports and re-exports of that specifier only", () => {
    const source = [
      `import {Icon, Map as LeafletMap} from "https://cdn.jsdelivr.net/npm/leaflet/+esm";`,
      `import def, {a} from "https://cdn.jsdelivr.net/npm/leaflet/+esm";`,
      `export {b} from 'https://cdn.jsdelivr.net/npm/leaflet/+esm';`,
      `import {other} from "https://cdn.jsdelivr.net/npm/d3/+esm";`
    ].join("\n");
    expect(importedNames(source, "https://cdn.jsdelivr.net/npm/leaflet/+esm")).toEqual(["Icon", "Map", "a", "b"]);
  });
});

describe("stubModule(name, names)", () => {
  it("stubModule(name, names) throws a message naming the package on import and declares the names", async () => {
    const code = stubModule("arquero", ["from"]);
    expect(code).toContain("export let from;");
    const url = `data:text/javascript,${encodeURIComponent(code)}`;
    await expect(import(/* @vite-ignore */ url)).rejects.toThrow(
      "arquero is not bundled offline: add it to package.json and import it from a local module"
    );
  });
});

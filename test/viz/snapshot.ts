// SVG/HTML file snapshots, after Observable Plot's test/plot-snapshot.js: each example is a named function whose
// output is normalised (3 decimals, generated ids renumbered, one tag per line) and compared with
// test/output/<name>.svg|html. A difference writes <name>-changed.<ext> next to it and fails. A missing snapshot is
// written outside CI and fails under CI=true. To accept a change: delete the snapshot, re-run, review `git diff`.
// Examples must not warn or log errors (jsdom's "not implemented" errors included).
import {existsSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {resolve} from "node:path";
import {expect, it, vi} from "vitest";

// vitest runs from the repository root (jsdom gives import.meta.url an http: scheme, so it cannot locate files).
const OUTPUT = resolve("test/output") + "/";

export function normalizeMarkup(markup: string): string {
  const ids = new Map<string, string>();
  const counters = new Map<string, number>();
  return (
    markup
      .replace(/\d+\.\d{4,}/g, (d) => String(+(+d).toFixed(3)))
      .replace(/gb-([a-z]+)-(\d+)/g, (id, prefix: string) => {
        if (!ids.has(id)) {
          const n = (counters.get(prefix) ?? 0) + 1;
          counters.set(prefix, n);
          ids.set(id, `gb-${prefix}-${n}`);
        }
        return ids.get(id)!;
      })
      .replace(/></g, ">\n<") + "\n"
  );
}

export function compareSnapshot(name: string, element: Element): void {
  const ext = element.namespaceURI === "http://www.w3.org/2000/svg" ? "svg" : "html";
  const actual = normalizeMarkup(element.outerHTML);
  const path = `${OUTPUT}${name}.${ext}`;
  const changed = `${OUTPUT}${name}-changed.${ext}`;
  if (!existsSync(path)) {
    if (process.env.CI === "true") {
      writeFileSync(changed, actual);
      throw new Error(`missing snapshot test/output/${name}.${ext} (CI=true); wrote ${name}-changed.${ext} to review`);
    }
    writeFileSync(path, actual);
    return;
  }
  const expected = readFileSync(path, "utf8");
  if (actual === expected) {
    rmSync(changed, {force: true});
    return;
  }
  writeFileSync(changed, actual);
  expect(actual, `snapshot test/output/${name}.${ext} changed; see ${name}-changed.${ext}`).toBe(expected);
}

/** Registers `example` as a snapshot test named after the function: `snapshot(function heatmapEmpty() {...})`. */
export function snapshot(example: () => Element): void {
  it(`${example.name}() matches test/output/${example.name}`, () => {
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    try {
      const element = example();
      expect(badGeometry(element), "NaN or a negative size: a browser logs an error and draws nothing").toEqual([]);
      compareSnapshot(example.name, element);
      expect(warn, "warnings").not.toHaveBeenCalled();
      expect(error, "errors").not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
}

const GEOMETRY = ["d", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "points", "transform"];

/**
 * `<tag attribute>` of every SVG attribute holding NaN, and every negative width or height (jsdom accepts both; a
 * browser logs a console error).
 */
function badGeometry(root: Element): string[] {
  const bad = (e: Element, a: string) => {
    const v = e.getAttribute(a);
    return v !== null && (v.includes("NaN") || ((a === "width" || a === "height") && parseFloat(v) < 0));
  };
  return [root, ...root.querySelectorAll("*")].flatMap((e) =>
    e.namespaceURI === "http://www.w3.org/2000/svg"
      ? GEOMETRY.filter((a) => bad(e, a)).map((a) => `<${e.tagName} ${a}="${e.getAttribute(a)}">`)
      : []
  );
}

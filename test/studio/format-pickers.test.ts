// Every notebook's format picker (issue 17): the K-quants and IQ4_NL are offered wherever the ggml formats are, every
// option is a format of the trait table (or the notebook's own "int" builder), and a notebook with a picker shows the
// simulated notice for K-quants on rows 256 does not divide.
import {readFileSync, readdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {describe, expect, it} from "vitest";
import {toFormat} from "../../src/formats/schemes.ts";

const NOTEBOOKS = resolve(import.meta.dirname, "../../notebooks");
/** the formats every picker must offer beside the legacy ggml ones */
const REQUIRED = ["q6_k", "q4_k", "q2_k", "iq4_nl"];

/** [notebook, options] of every string list in the notebooks that offers q4_0 (a format picker's options) */
function pickers(): [string, string[]][] {
  const found: [string, string[]][] = [];
  for (const file of readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".html"))) {
    const text = readFileSync(join(NOTEBOOKS, file), "utf8");
    for (const [, list] of text.matchAll(/(?:Inputs\.select\(|const formats = )\[([^\]]*"q4_0"[^\]]*)\]/g))
      found.push([file, [...list!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)]);
  }
  return found;
}

describe("format pickers in notebooks/*.html", () => {
  it("are found in the five notebooks that quantize", () => {
    // real-models.html has two (the block view and the one-matrix ranking)
    expect([...new Set(pickers().map(([file]) => file))].sort()).toEqual([
      "bring-your-own-model.html",
      "cost-of-get-w.html",
      "next-token.html",
      "quantization-error.html",
      "real-models.html"
    ]);
  });
  for (const [file, options] of pickers()) {
    it(`${file} offers ${REQUIRED.join(", ")}, each option a format, and shows the simulated notice`, () => {
      for (const f of REQUIRED) expect(options, file).toContain(f);
      for (const o of options.filter((o) => o !== "int")) expect(() => toFormat(o), `${file}: ${o}`).not.toThrow();
      expect(readFileSync(join(NOTEBOOKS, file), "utf8")).toMatch(/display\(notice\)/);
    });
  }
  it("quantization-error.html offers all five K-quants", () => {
    const [, options] = pickers().find(([file]) => file === "quantization-error.html")!;
    for (const f of ["q6_k", "q5_k", "q4_k", "q3_k", "q2_k", "iq4_nl"]) expect(options).toContain(f);
  });
});

// Every chart snapshot in test/output/, drawn by headless Chromium at its own size: no two text labels overlap and no
// label is clipped by the viewBox (browser-measured glyph boxes, see test/browser/helpers/labels.ts). The charts in
// the built notebooks get the same check in test/browser/layout.test.ts.
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {CHROMIUM, launchBrowser, type Browser} from "../browser/helpers/browser.ts";
import {labelProblems} from "../browser/helpers/labels.ts";
import type {Page} from "playwright-core";

const OUTPUT = "test/output";
const files = readdirSync(OUTPUT)
  .filter((f) => /\.(svg|html)$/.test(f) && !f.includes("-changed"))
  .sort();

describe.runIf(existsSync(CHROMIUM) || process.env.CI === "true")("chart labels in Chromium", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser({viewport: {width: 1400, height: 900}});
    page = await browser.context.newPage();
  });
  afterAll(() => browser?.close());

  it("the check itself finds an overlap and a clipped label", async () => {
    await page.setContent(
      `<!doctype html><body style="margin:0"><svg viewBox="0 0 200 100" width="200" height="100">` +
        `<text x="10" y="30">overlapping</text><text x="20" y="32">labels</text>` +
        `<text x="150" y="60">clipped label</text><text x="10" y="80" transform="rotate(-45 10 80)">turned</text>` +
        `<text x="120" y="90" visibility="hidden">hidden overlapping clipped</text></svg></body>`
    );
    const problems = await labelProblems(page, "svg");
    expect(problems).toEqual([
      expect.stringMatching(/clipped: "clipped label" sticks out right by \d/),
      expect.stringMatching(/overlap: "overlapping" and "labels" by \d/)
    ]);
  });

  it.each(files)("test/output/%s: no two labels overlap, none is clipped", async (file) => {
    await page.setContent(`<!doctype html><body style="margin:0">${readFileSync(`${OUTPUT}/${file}`, "utf8")}</body>`);
    await page.evaluate(() => document.fonts.ready);
    expect(await labelProblems(page, "svg")).toEqual([]);
  });
});

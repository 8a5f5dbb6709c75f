// What a learner sees in the built site, measured: every notebook at 1280 px and at 390 px, screenshots in the light
// and the dark colour scheme (test/screenshots/layout-<notebook>-<width>-<scheme>.png, look at them), and at each width
// the charts' labels (no two overlap, none clipped; test/browser/helpers/labels.ts), the prose measure and the
// charts' width at 1280 px, and nothing wider than the screen at 390 px.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {listNotebooks} from "../../src/studio/vite/notebooks.node.ts";
import {launchBrowser, openPage, PROJECT_ROOT, type Browser, type WatchedPage} from "./helpers/index.ts";
import {labelProblems} from "./helpers/labels.ts";

const siteUrl = inject("siteUrl");
const notebooks = listNotebooks(PROJECT_ROOT);

async function measure(page: WatchedPage) {
  return page.page.evaluate(() => {
    const canvas = document.createElement("canvas").getContext("2d")!;
    const prose = [...document.querySelectorAll("main p, main li")].filter((p) => (p.textContent ?? "").length > 200 && !p.closest("svg, table, form, figure"));
    const measures = prose.map((p) => {
      const s = getComputedStyle(p);
      canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const text = (p.textContent ?? "").replace(/\s+/g, " ");
      const per = canvas.measureText(text).width / text.length;
      const lines = new Map<number, number>();
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let n = walker.nextNode(); n; n = walker.nextNode())
        for (let i = 0; i < n.textContent!.length; i++) {
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const r = range.getClientRects()[0];
          if (r) lines.set(Math.round(r.bottom), (lines.get(Math.round(r.bottom)) ?? 0) + 1);
        }
      return {tag: p.tagName, font: s.fontSize, width: p.getBoundingClientRect().width, chars: Math.round(p.getBoundingClientRect().width / per), lines: [...lines.values()].join(",")};
    });
    const charts = [...document.querySelectorAll("main svg.gb-chart")].map((svg) => ({
      attr: svg.getAttribute("width"),
      rendered: svg.getBoundingClientRect().width,
      cell: svg.closest(".observablehq--cell, [id^=cell-]")?.getBoundingClientRect().width,
      main: document.querySelector("main")!.getBoundingClientRect().width
    }));
    return {measures, charts, scroll: document.documentElement.scrollWidth, inner: innerWidth};
  });
}

describe.each([1280, 390])("notebooks at %i px", (width) => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser({viewport: {width, height: 900}});
  });
  afterAll(async () => {
    await browser?.close();
  });
  it.each(notebooks.map((n) => [n.name, n] as const))("%s", async (name, notebook) => {
    const page = await openPage(browser.context, `${siteUrl}${notebook.path}`);
    await page.idle(120_000);
    await page.screenshot(`layout-${name}-${width}-light`);
    console.log(name, width, JSON.stringify(await measure(page)));
    console.log((await labelProblems(page.page)).join("\n"));
    if (width === 1280 && (name === "quantization-error" || name === "rounding")) {
      const probe = () => page.page.evaluate(() => [...document.querySelectorAll(".gb-cell-source")].filter((s) => !(s as HTMLElement).hidden).map((s) => {
        const content = s.querySelector(".cm-content")!, scroller = s.querySelector(".cm-scroller")!;
        return s.closest("section")?.getAttribute("data-cell-id") + ":" + Math.round(content.getBoundingClientRect().height) + "/" + Math.round(scroller.getBoundingClientRect().height);
      }).join(" "));
      console.log("pinned at load", await probe());
      await page.page.evaluate(async () => { for (const s of document.querySelectorAll(".gb-cell-source")) { s.scrollIntoView(); await new Promise((r) => setTimeout(r, 50)); } });
      console.log("after scrolling", await probe());
      await page.page.evaluate(() => document.querySelectorAll<HTMLElement>('.gb-cell-bar button[data-action="edit"][aria-expanded="false"]').forEach((b) => b.click()));
      await page.page.waitForTimeout(300);
      console.log("after edit", await probe());
      await page.page.evaluate(async () => { for (const s of document.querySelectorAll(".gb-cell-source")) { s.scrollIntoView(); await new Promise((r) => setTimeout(r, 50)); } });
      console.log("after edit+scroll", await probe());
    }
    await page.page.close();
  });
});

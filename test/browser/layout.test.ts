// What a learner sees in the built site, measured, for every notebook at 1280 px and at 390 px: screenshots in the light
// and dark colour schemes (test/screenshots/layout-<notebook>-<width>-<scheme>.png: look at them); every chart's labels
// (no two overlap, none is clipped: test/browser/helpers/labels.ts); every cell's editor as tall as its code, once
// every editor is open; at 1280 px the prose measure (60–80 characters a line) and charts drawn at the width they are
// given; at 390 px nothing wider than the screen.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {listNotebooks} from "../../src/studio/vite/notebooks.node.ts";
import {launchBrowser, openPage, PROJECT_ROOT, type Browser, type WatchedPage} from "./helpers/index.ts";
import {labelProblems} from "./helpers/labels.ts";

const siteUrl = inject("siteUrl");
const notebooks = listNotebooks(PROJECT_ROOT);

/** A comfortable line of prose, in characters (the layout test's bounds). */
const MEASURE = [60, 80] as const;

/**
 * The measure of each paragraph of prose (Markdown cells' p and li of at least 120 characters): how many of its own
 * characters, at their average width in its font, fit across its box.
 */
function proseMeasures(page: WatchedPage) {
  return page.page.evaluate(() => {
    const context = document.createElement("canvas").getContext("2d")!;
    return [...document.querySelectorAll('.gb-cell[data-mode="md"] .observablehq--cell :is(p, li)')].flatMap((p) => {
      const text = (p.textContent ?? "").replace(/\s+/g, " ").trim();
      if (text.length < 120) return [];
      const style = getComputedStyle(p);
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const perChar = context.measureText(text).width / text.length;
      return [{text: text.slice(0, 50), chars: Math.round((p.getBoundingClientRect().width / perChar) * 10) / 10}];
    });
  });
}

/** Charts whose rendered width is not the width they were drawn at, or not the width of their cell. */
function chartsOffWidth(page: WatchedPage) {
  return page.page.evaluate(() =>
    [...document.querySelectorAll("main svg.gb-chart")].flatMap((svg) => {
      const drawn = Number(svg.getAttribute("width"));
      const shown = svg.getBoundingClientRect().width;
      const cell = svg.closest(".observablehq--cell")!.getBoundingClientRect().width;
      const title = svg.querySelector(":scope > title")?.textContent ?? "";
      return Math.abs(shown - drawn) > 1 || Math.abs(drawn - cell) > 1
        ? [`«${title}» drawn ${drawn} px, shown ${Math.round(shown)} px, in a cell ${Math.round(cell)} px wide`]
        : [];
    })
  );
}

/**
 * Elements reaching past the screen's right or left edge (inside a scrolling or clipping box, or a closed <details>,
 * is fine).
 */
function overflowing(page: WatchedPage) {
  return page.page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (e: Element) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== "visible") return true;
      return false;
    };
    const out = [...document.querySelectorAll("body *")].filter((e) => {
      const r = e.getBoundingClientRect();
      const folded = e.parentElement?.closest("details:not([open])") && !e.closest("summary");
      return r.width > 0 && (r.right > width + 1 || r.left < -1) && !clipped(e) && !folded;
    });
    // the outermost only: its children overflow with it
    return out
      .filter((e) => !out.some((o) => o !== e && o.contains(e)))
      .map((e) => {
        const r = e.getBoundingClientRect();
        const what = `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${e.classList.length ? `.${[...e.classList].join(".")}` : ""}`;
        return `${what} spans ${Math.round(r.left)}..${Math.round(r.right)} px (screen ${width} px)`;
      });
  });
}

/** Open every cell's editor at once; each editor as tall as its code, its last line not blank. */
async function editorProblems(page: WatchedPage): Promise<string[]> {
  await page.page.evaluate(() =>
    document
      .querySelectorAll<HTMLElement>('.gb-cell-bar button[data-action="edit"][aria-expanded="false"]')
      .forEach((b) => b.click())
  );
  await page.page.waitForTimeout(300);
  return page.page.evaluate(() =>
    [...document.querySelectorAll(".gb-cell-source:not([hidden]) .cm-editor")].flatMap((editor) => {
      const id = editor.closest(".gb-cell")?.getAttribute("data-cell-id");
      const content = editor.querySelector(".cm-content")!.getBoundingClientRect().height;
      const shown = editor.querySelector(".cm-scroller")!.getBoundingClientRect().height;
      const last = [...editor.querySelectorAll(".cm-line")].at(-1)?.textContent ?? "";
      return [
        ...(shown > content + 1
          ? [`cell ${id}: editor ${Math.round(shown)} px tall for ${Math.round(content)} px of code`]
          : []),
        ...(last.trim() === "" ? [`cell ${id}: the editor ends in a blank line`] : [])
      ];
    })
  );
}

describe.each([1280, 390])("the built notebooks at %i px", (width) => {
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
    await page.page.emulateMedia({colorScheme: "dark"});
    await page.idle();
    await page.screenshot(`layout-${name}-${width}-dark`);
    await page.page.emulateMedia({colorScheme: "light"});
    await page.idle();

    expect(await labelProblems(page.page), "chart labels").toEqual([]);
    if (width === 1280) {
      const off = (await proseMeasures(page)).filter((p) => p.chars < MEASURE[0] || p.chars > MEASURE[1]);
      expect(off, `prose lines outside ${MEASURE[0]}–${MEASURE[1]} characters`).toEqual([]);
      expect(await chartsOffWidth(page), "charts not at the width they are given").toEqual([]);
    } else {
      expect(await overflowing(page), "wider than the screen").toEqual([]);
    }
    expect(await editorProblems(page), "editors").toEqual([]);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

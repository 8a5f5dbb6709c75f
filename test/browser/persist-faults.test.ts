// Keeping work when storage fails (issue 27, items 6-8), in a real browser: an autosave into a full quota keeps the
// edit on the page, says so and offers the download; a wrong-shape draft does not stop the page from starting and is
// kept; "Revert to file" asks first and keeps the edits in My notebooks.
import {deserialize} from "@observablehq/notebook-kit";
import {JSDOM} from "jsdom";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, type Browser, type WatchedPage} from "./helpers/index.ts";
import {clearLocalNotebooks, download, editorReady, output, typeIntoCell} from "../studio/editor-page.ts";

const url = `${inject("devUrl")}notebooks/rounding.html`;
const DRAFT = "glassbox:draft:notebooks/rounding.html";
const POLL = {timeout: 20_000};
const parser = new new JSDOM().window.DOMParser();

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function open(href: string, setup?: (page: WatchedPage) => Promise<void>): Promise<WatchedPage> {
  const page = await openPage(browser.context, href);
  await clearLocalNotebooks(page.page);
  if (setup) await setup(page);
  await page.page.reload();
  await page.idle();
  await editorReady(page.page);
  return page;
}

const keys = (page: WatchedPage, prefix: string) =>
  page.page.evaluate((p) => Object.entries(localStorage).filter(([key]) => key.startsWith(p)), prefix);

describe("keeping work when storage fails (dev)", () => {
  it("an autosave into a full quota keeps the edit on the page, says so, and the download has it", async () => {
    const page = await open(url);
    // glassbox: keys, so clearLocalNotebooks frees the space again for the next test
    await page.page.evaluate(() => {
      let count = 0;
      for (let size = 1 << 22; size >= 1;) {
        try {
          localStorage.setItem(`glassbox:filler:${count}`, "x".repeat(size));
          count++;
        } catch {
          size >>= 1;
        }
      }
    });
    await typeIntoCell(page.page, 2, "An edit that storage has no room for.");
    await expect
      .poll(() => output(page.page, 2).textContent(), POLL)
      .toContain("An edit that storage has no room for.");
    const banner = page.page.locator('[data-banner="storage-full"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain("storage is full");
    expect(await page.page.locator(".gb-editbar .gb-where").textContent()).toContain("NOT saved");
    expect(await page.page.evaluate((key) => localStorage.getItem(key), DRAFT)).toBeNull();
    const file = await download(page.page, () => banner.locator('[data-choice="download"]').click());
    const cells = deserialize(file.bytes.toString("utf8"), {parser}).cells;
    expect(cells.find((c) => c.id === 2)!.value).toContain("An edit that storage has no room for.");
    expect(await page.problems()).toEqual([]);
    await clearLocalNotebooks(page.page);
    await page.page.close();
  });

  it("a draft of the wrong shape does not stop the page: the file runs, the value is set aside and named", async () => {
    for (const text of ["{}", '"x"']) {
      const page = await open(url, (p) =>
        p.page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [DRAFT, text])
      );
      expect(await output(page.page, 2).textContent(), text).toContain("Every quantization format");
      expect(await page.page.locator(".gb-notice").first().textContent(), text).toMatch(
        /not a notebook record: it is kept, unchanged, under glassbox:set-aside:/
      );
      expect(
        (await keys(page, "glassbox:set-aside:")).map(([, value]) => value),
        text
      ).toEqual([text]);
      expect(await page.problems(), text).toEqual([]);
      await page.page.close();
    }
  });

  it("'Revert to file' asks first; reverting keeps the edits in My notebooks", async () => {
    const page = await open(url);
    await typeIntoCell(page.page, 2, "An edit to revert.");
    await expect.poll(() => output(page.page, 2).textContent(), POLL).toContain("An edit to revert.");
    await page.page.waitForFunction((key) => localStorage.getItem(key)?.includes("An edit to revert."), DRAFT);
    await page.page.locator(".gb-editbar [data-action=revert]").click();
    const banner = page.page.locator('[data-banner="revert"]');
    await banner.waitFor();
    expect(await page.page.evaluate((key) => localStorage.getItem(key), DRAFT)).toContain("An edit to revert.");
    await banner.locator('[data-choice="cancel"]').click();
    expect(await output(page.page, 2).textContent()).toContain("An edit to revert.");
    await page.page.locator(".gb-editbar [data-action=revert]").click();
    await Promise.all([page.page.waitForEvent("load"), banner.locator('[data-choice="revert"]').click()]);
    await editorReady(page.page);
    expect(await output(page.page, 2).textContent()).toContain("Every quantization format");
    const copies = (await keys(page, "glassbox:local:")).map(([, value]) => JSON.parse(value));
    expect(copies.map((c) => c.notebook.title)).toEqual(["Rounding to a grid (my edits)"]);
    expect(JSON.stringify(copies[0].notebook.cells)).toContain("An edit to revert.");
    expect(await page.page.evaluate((key) => localStorage.getItem(key), DRAFT)).toBeNull();
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

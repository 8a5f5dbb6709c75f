// Keeping work in a real browser: the same notebook edited in two tabs, local edits meeting a deep link or a file that
// changed on disk (the user sees both versions and chooses; the other one is kept), a downloaded notebook that
// notebook-kit's deserialize reads back identically, and a user's file that opens read-only and runs nothing until
// trusted.
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {deserialize} from "@observablehq/notebook-kit";
import {JSDOM} from "jsdom";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, type Browser, type WatchedPage} from "./helpers/index.ts";
import {cell, clearLocalNotebooks, download, editorReady, output, typeIntoCell} from "../studio/editor-page.ts";

const url = `${inject("devUrl")}notebooks/rounding.html`;
const POLL = {timeout: 20_000};
const parser = new new JSDOM().window.DOMParser();

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function open(href: string, {fresh = false} = {}): Promise<WatchedPage> {
  const page = await openPage(browser.context, href);
  if (fresh) {
    await clearLocalNotebooks(page.page);
    await page.page.reload();
  }
  await page.idle();
  await editorReady(page.page);
  return page;
}

const localTitles = (page: WatchedPage) =>
  page.page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("glassbox:local:"))
      .map((k) => JSON.parse(localStorage.getItem(k)!).notebook.title as string)
  );

async function editAndWaitForSave(page: WatchedPage, text: string): Promise<void> {
  await typeIntoCell(page.page, 2, text);
  await expect.poll(() => output(page.page, 2).textContent(), POLL).toContain(text);
  await page.page.waitForFunction(
    (t) => localStorage.getItem("glassbox:draft:notebooks/rounding.html")?.includes(t),
    text
  );
}

describe("keeping work (dev)", () => {
  it("the same notebook edited in two tabs: the other tab shows both versions and keeps the one the user picks", async () => {
    const a = await open(url, {fresh: true});
    const b = await open(url);
    await editAndWaitForSave(a, "Edited in tab A.");
    const banner = b.page.locator('[data-banner="tab-conflict"]');
    await banner.waitFor();
    expect(await banner.locator(".gb-diff").textContent()).toContain("Edited in tab A.");
    await b.screenshot("dev-persist-tab-conflict");
    await banner.locator('[data-choice="theirs"]').click();
    await expect.poll(() => output(b.page, 2).textContent(), POLL).toContain("Edited in tab A.");
    expect(await localTitles(b)).toContain("Rounding to a grid (other tab copy)"); // tab B's version is kept
    expect(await a.problems()).toEqual([]);
    expect(await b.problems()).toEqual([]);
    await Promise.all([a.page.close(), b.page.close()]);
  });

  it("a deep link meeting local edits shows the link's version and asks; the edits open with the link's inputs", async () => {
    const first = await open(url, {fresh: true});
    await editAndWaitForSave(first, "My local edit.");
    await first.page.close();
    const page = await open(`${url}?bits=3`);
    const banner = page.page.locator('[data-banner="draft-conflict"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain("This link opens the notebook as published");
    expect(await banner.locator(".gb-diff").textContent()).toContain("My local edit.");
    expect(await output(page.page, 2).textContent()).toContain("Every quantization format"); // the link's version
    await banner.locator('[data-choice="mine"]').click();
    await expect.poll(() => output(page.page, 2).textContent(), POLL).toContain("My local edit.");
    await page.page.locator('svg[data-bits="3"]').waitFor(); // the link's inputs still apply
    expect(await localTitles(page)).toContain("Rounding to a grid (file version)");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("local edits of a file that changed on disk: both shown, 'use the file' keeps the edits in My notebooks", async () => {
    const page = await open(url, {fresh: true});
    await editAndWaitForSave(page, "Edit made before the file changed.");
    // The draft records the sha256 of the file it started from; another hash is what a changed file looks like.
    await page.page.evaluate(() => {
      const key = "glassbox:draft:notebooks/rounding.html";
      localStorage.setItem(key, JSON.stringify({...JSON.parse(localStorage.getItem(key)!), base: "0".repeat(64)}));
    });
    await page.page.reload();
    await page.idle();
    await editorReady(page.page);
    const banner = page.page.locator('[data-banner="draft-conflict"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain("changed on disk");
    await page.screenshot("dev-persist-disk-conflict");
    await banner.locator('[data-choice="file"]').click();
    expect(await output(page.page, 2).textContent()).toContain("Every quantization format");
    expect(await localTitles(page)).toContain("Rounding to a grid (my edits)");
    const draft = await page.page.evaluate(() => localStorage.getItem("glassbox:draft:notebooks/rounding.html"));
    expect(draft).toBeNull();
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("download notebook writes a Notebook Kit file that deserialize reads back identically", async () => {
    const page = await open(url, {fresh: true});
    await typeIntoCell(page.page, 2, 'A cell with `</script>` and <b>"quotes"</b> & ampersands.');
    await cell(page.page, 6).locator("[data-action=pin]").click(); // unpin a code cell
    await page.page.locator(".gb-editbar .gb-title").fill("Rounding, my version");
    await page.page.locator(".gb-editbar .gb-title").press("Enter");
    const expected = await page.page.evaluate(() => (window as any).glassboxSession.current());
    const file = await download(page.page, () => page.page.locator(".gb-editbar [data-action=download]").click());
    expect(file.name).toBe("rounding-my-version.html");
    const notebook = deserialize(file.bytes.toString("utf8"), {parser});
    expect(notebook.title).toBe("Rounding, my version");
    expect(notebook.cells).toEqual(expected.cells);
    expect(notebook.cells.find((c) => c.id === 6)!.pinned).toBe(false);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a notebook file brought by the user opens read-only and runs nothing until trusted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "glassbox-import-"));
    const path = join(dir, "stranger.html");
    writeFileSync(
      path,
      `<!doctype html>
<notebook theme="air">
  <title>A stranger's notebook</title>
  <script id="1" type="text/markdown">
    # Hello <img src="data:," onerror="window.fromMarkdown = 1">
  </script>
  <script id="2" type="text/html">
    <b id="live-html">bold</b><img src="data:," onerror="window.fromHtml = 1">
  </script>
  <script id="3" type="module" pinned>
    window.fromJs = 1;
    display("ran");
  </script>
</notebook>
`
    );
    const page = await open(url, {fresh: true});
    const p = page.page;
    await p.locator(".gb-my-notebooks summary").click();
    await p.locator(".gb-open-file input").setInputFiles(path);
    const banner = p.locator('[data-banner="untrusted"]');
    await banner.waitFor();
    await p.waitForTimeout(500); // anything that would run has had its chance
    const ran = await p.evaluate(() => [
      (window as any).fromMarkdown,
      (window as any).fromHtml,
      (window as any).fromJs
    ]);
    expect(ran).toEqual([undefined, undefined, undefined]);
    expect(await p.locator("main .gb-cell").count()).toBe(3);
    expect(await p.locator("main #live-html, main img, main h1").count()).toBe(0); // nothing rendered as HTML
    const sources = await p.locator("main .gb-readonly-source").allTextContents();
    expect(sources[0]).toContain('# Hello <img src="data:," onerror="window.fromMarkdown = 1">');
    expect(sources[2]).toContain("window.fromJs = 1;");
    expect(await p.locator("main .cm-editor").count()).toBe(0);
    await page.screenshot("dev-persist-untrusted");
    await Promise.all([p.waitForEvent("load"), banner.locator('[data-choice="trust"]').click()]);
    await editorReady(p);
    await expect.poll(() => p.evaluate(() => (window as any).fromJs), POLL).toBe(1);
    expect(await output(p, 3).textContent()).toContain("ran");
    expect(new URL(p.url()).hash).toMatch(/^#local=/);
    expect(await p.locator(".gb-where").textContent()).toContain("My notebooks");
    await p.close();
  });
});

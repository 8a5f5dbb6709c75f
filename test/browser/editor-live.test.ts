// The notebook editor in a real browser: editing a cell and pressing Shift-Enter re-evaluates it and its dependents,
// errors stay in their cell while the rest keeps running, a looping cell stops with a clear error, cells are added,
// moved, duplicated and deleted from the keyboard, and an edit survives a reload. In dev and in the built site.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, setInput, type Browser, type WatchedPage} from "./helpers/index.ts";
import {cell, clearLocalNotebooks, editorReady, output, typeIntoCell} from "../studio/editor-page.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens `url` with no local notebooks or drafts left from earlier tests. */
async function open(url: string): Promise<WatchedPage> {
  const page = await openPage(browser.context, url);
  await clearLocalNotebooks(page.page);
  await page.page.reload();
  await page.idle();
  await editorReady(page.page);
  return page;
}

/** Cell 7 of rounding.html draws the chart from `bits`, `groupSize`, `wave` and `roundToGrid`. */
const CHART_CELL = 7;
/** The first edit in a page loads the transpiler (TypeScript inside): allow for it on a busy machine. */
const POLL = {timeout: 20_000};
const SIGNAL_CELL = 6;

describe.each([
  ["dev", inject("devUrl")],
  ["site", inject("siteUrl")]
])("editor (%s)", (mode, baseUrl) => {
  it("editing a cell and pressing Shift-Enter updates its output and its dependents", async () => {
    const page = await open(`${baseUrl}notebooks/rounding.html`);
    const {page: p} = page;
    // A dependency edit: the signal cell gets a constant wave; the chart (a dependent) re-renders from it.
    const before = await p.locator("svg path.rounded").getAttribute("d");
    const source = await p.evaluate(
      (id) => (window as any).glassboxSession.notebook.cells.find((c: any) => c.id === id).value,
      SIGNAL_CELL
    );
    await typeIntoCell(p, SIGNAL_CELL, source.replace("Math.cos(i * 0.011)", "Math.cos(i * 0.05)"));
    await p.waitForFunction((d) => document.querySelector("svg path.rounded")?.getAttribute("d") !== d, before);
    await page.idle();
    // The edited cell's own output: a new data attribute appears on the chart.
    const chart = await p.evaluate(
      (id) => (window as any).glassboxSession.notebook.cells.find((c: any) => c.id === id).value,
      CHART_CELL
    );
    await typeIntoCell(
      p,
      CHART_CELL,
      chart.replace("display(chart.node());", 'chart.node().dataset.edited = "yes";\ndisplay(chart.node());')
    );
    await p.locator('svg[data-edited="yes"]').waitFor();
    // Inputs still drive the edited cell.
    await setInput(p, "bits", "3");
    await p.locator('svg[data-edited="yes"][data-bits="3"]').waitFor();
    await page.idle();
    await page.screenshot(`${mode}-editor-edited`);
    expect(await page.problems()).toEqual([]);
    await p.close();
  });

  it("a syntax error shows in its cell, keeps the old output, and the rest keeps running", async () => {
    const page = await open(`${baseUrl}notebooks/rounding.html`);
    const {page: p} = page;
    await typeIntoCell(p, CHART_CELL, "const broken = (;");
    await expect
      .poll(() => cell(p, CHART_CELL).locator(".gb-cell-error").textContent(), POLL)
      .toMatch(/Unexpected token|Syntax/i);
    expect(await p.locator("svg[data-bits]").count()).toBe(1); // the old chart is still there
    await setInput(p, "bits", "5");
    await p.locator('svg[data-bits="5"]').waitFor(); // and still follows its inputs
    expect(await page.problems()).toEqual([]);
    await p.close();
  });
});

describe("editor (dev)", () => {
  const url = `${inject("devUrl")}notebooks/rounding.html`;

  it("a cell stuck in a loop stops with a clear error and the page stays responsive", async () => {
    const page = await open(url);
    const {page: p} = page;
    await cell(p, CHART_CELL).locator("[data-action=add]").click();
    const added = await p.evaluate(() =>
      Math.max(...(window as any).glassboxSession.notebook.cells.map((c: any) => c.id))
    );
    await typeIntoCell(p, added, "let spins = 0;\nwhile (true) spins++;");
    const error = cell(p, added).locator(".observablehq--error");
    await error.waitFor({timeout: 20_000});
    expect(await error.textContent()).toMatch(/a loop ran for more than 3 s without letting the page respond/);
    // The page answers at once, and the other cells still react.
    await setInput(p, "bits", "6");
    await p.locator('svg[data-bits="6"]').waitFor();
    await page.screenshot("dev-editor-loop-stopped");
    // The only problems are the expected ones: the stopped cell's error (also logged by notebook-kit).
    const problems = await page.problems();
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/LoopBudgetExceeded|a loop ran for more than/);
    await p.close();
  });

  it("keyboard only: add a cell, type, Shift-Enter, move it, duplicate, delete, change its mode", async () => {
    const page = await open(url);
    const {page: p} = page;
    const ids = () =>
      p.evaluate(() => (window as any).glassboxSession.notebook.cells.map((c: any) => c.id) as number[]);
    const start = await ids();
    await cell(p, 1).locator("[data-action=add]").focus();
    await p.keyboard.press("Enter"); // the new cell's editor gets focus
    await p.keyboard.insertText("`answer: ${6 * 7}`");
    await p.keyboard.press("Shift+Enter");
    const added = (await ids()).find((id) => !start.includes(id))!;
    await expect.poll(() => output(p, added).textContent(), POLL).toContain("answer: 42");
    expect((await ids()).indexOf(added)).toBe(1);
    await cell(p, added).locator("[data-action=down]").focus();
    await p.keyboard.press("Enter");
    expect((await ids()).indexOf(added)).toBe(2);
    await cell(p, added).locator("[data-action=duplicate]").focus();
    await p.keyboard.press("Enter");
    expect((await ids()).length).toBe(start.length + 2);
    await cell(p, added).locator("[data-action=mode]").focus();
    await p.keyboard.press("ArrowDown"); // JavaScript -> TypeScript
    await expect
      .poll(
        () =>
          p.evaluate((id) => (window as any).glassboxSession.notebook.cells.find((c: any) => c.id === id).mode, added),
        POLL
      )
      .toBe("ts");
    await expect.poll(() => output(p, added).textContent(), POLL).toContain("answer: 42");
    await cell(p, added).locator("[data-action=delete]").focus();
    await p.keyboard.press("Enter");
    expect(await ids()).not.toContain(added);
    expect(await page.problems()).toEqual([]);
    await p.close();
  });

  it("an edit is saved locally and restored after a reload; revert to file drops it", async () => {
    const page = await open(url);
    const {page: p} = page;
    await typeIntoCell(p, 2, "Edited **before the reload**.");
    await expect.poll(() => output(p, 2).textContent(), POLL).toContain("Edited before the reload");
    await p.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("glassbox:draft:")));
    await p.reload();
    await page.idle();
    await editorReady(p);
    await expect.poll(() => output(p, 2).textContent(), POLL).toContain("Edited before the reload");
    await expect.poll(() => p.locator(".gb-where").textContent(), POLL).toContain("local edits");
    await page.screenshot("dev-editor-restored");
    // Revert asks first (the edits are kept in My notebooks: test/browser/persist-faults.test.ts checks that).
    await p.locator(".gb-editbar [data-action=revert]").click();
    await Promise.all([p.waitForEvent("load"), p.locator('[data-banner="revert"] [data-choice="revert"]').click()]);
    await page.idle();
    await editorReady(p);
    await expect.poll(() => output(p, 2).textContent(), POLL).toContain("Every quantization format");
    expect(await p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("glassbox:draft:")))).toEqual(
      []
    );
    expect(await page.problems()).toEqual([]);
    await p.close();
  });
});

// Browser-test helpers for the notebook editor: drive a cell's CodeMirror editor like a user (keyboard), wait for
// the editor to be mounted, and collect downloads.
import {readFileSync} from "node:fs";
import type {Page} from "playwright-core";

/** Waits until the editor has wrapped every cell and defined the version it chose. */
export async function editorReady(page: Page): Promise<void> {
  await page.locator("body[data-editor=ready]").waitFor();
}

/** Forgets every local notebook and draft of this browser profile (each test starts from the files). */
export async function clearLocalNotebooks(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith("glassbox:")) localStorage.removeItem(key);
  });
}

/** A cell's output root. */
export function output(page: Page, id: number) {
  return page.locator(`#cell-${id}`);
}

export function cell(page: Page, id: number) {
  return page.locator(`.gb-cell[data-cell-id="${id}"]`);
}

/** Opens the cell's source (if not pinned), replaces it with `source` by keyboard, and runs it with Shift-Enter. */
export async function typeIntoCell(page: Page, id: number, source: string, run = true): Promise<void> {
  const content = cell(page, id).locator(".cm-content");
  if (!(await content.isVisible())) {
    await cell(page, id).locator("[data-action=edit]").focus();
    await page.keyboard.press("Enter");
  }
  await content.focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(source);
  if (run) await page.keyboard.press("Shift+Enter");
}

/** Clicks `trigger` and returns the downloaded file's name and bytes. */
export async function download(page: Page, trigger: () => Promise<void>): Promise<{name: string; bytes: Buffer}> {
  const [file] = await Promise.all([page.waitForEvent("download"), trigger()]);
  const path = await file.path();
  return {name: file.suggestedFilename(), bytes: readFileSync(path)};
}

/** Opens a cell's Export menu and downloads one export (`png`, `svg`, `html`, `markdown`, `arrow`, `csv`, ...). */
export async function exportCell(page: Page, id: number, kind: string): Promise<{name: string; bytes: Buffer}> {
  const menu = cell(page, id).locator(".gb-export");
  await menu.locator("summary").click();
  const button = menu.locator(`[data-export="${kind}"]`);
  return download(page, () => button.click());
}

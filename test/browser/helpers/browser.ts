// Headless Debian Chromium through playwright-core, with a fresh profile per launch, and a page watcher that records
// every request (aborting and reporting any that leaves localhost), console errors, uncaught errors, CSP violations
// and notebook cell errors, and writes screenshots to test/screenshots/ for review.
import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {chromium, type BrowserContext, type Page} from "playwright-core";
import {PROJECT_ROOT} from "./servers.ts";
import {CHROMIUM_FLAGS, CHROMIUM_PATH} from "../../../src/viz/chromium.node.ts";

export {CHROMIUM_FLAGS};
export const CHROMIUM = CHROMIUM_PATH;
export const SCREENSHOTS_DIR = resolve(PROJECT_ROOT, "test/screenshots");

export interface BrowserOptions {
  viewport?: {width: number; height: number};
  deviceScaleFactor?: number;
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

export async function launchBrowser({
  viewport = {width: 1200, height: 900},
  deviceScaleFactor = 1
}: BrowserOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "glassbox-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_FLAGS,
    headless: true,
    viewport,
    deviceScaleFactor
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, {recursive: true, force: true});
    }
  };
}

export function isLocalUrl(url: string): boolean {
  const {protocol, hostname} = new URL(url);
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

export interface WatchedPage {
  page: Page;
  /** every request URL the page made */
  requests: string[];
  /** requests that would have left localhost (aborted) */
  offsite: string[];
  consoleErrors: string[];
  /** CSP violations reported by the page: "<directive> <blocked URI>" */
  cspViolations: () => Promise<string[]>;
  /** the text of every notebook cell showing an error */
  cellErrors: () => Promise<string[]>;
  /** waits until no cell computes and no tracked task runs (the status bar says idle; pages without one are idle) */
  idle: (timeout?: number) => Promise<void>;
  /** writes test/screenshots/<name>.png (full page) and returns its path */
  screenshot: (name: string) => Promise<string>;
  /** everything that went wrong, for one expect(...).toEqual([]) */
  problems: () => Promise<string[]>;
}

/** Opens `url` in a new page of `context` with every watcher in place before the first request. */
export async function openPage(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const requests: string[] = [];
  const offsite: string[] = [];
  const consoleErrors: string[] = [];
  await page.route("**/*", (route) => {
    const requestUrl = route.request().url();
    requests.push(requestUrl);
    if (isLocalUrl(requestUrl)) return route.continue();
    offsite.push(requestUrl);
    return route.abort("blockedbyclient");
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as any).__cspViolations = violations;
    document.addEventListener("securitypolicyviolation", (e) =>
      violations.push(`${e.effectiveDirective} ${e.blockedURI}`)
    );
  });
  const watched: WatchedPage = {
    page,
    requests,
    offsite,
    consoleErrors,
    cspViolations: () => page.evaluate(() => [...((window as any).__cspViolations ?? [])] as string[]),
    cellErrors: () =>
      page.$$eval(".observablehq--error", (nodes) =>
        nodes.map((n) => `${n.closest("[id^=cell-]")?.id}: ${n.textContent}`)
      ),
    idle: async (timeout = 60_000) => {
      const isIdle = () => (document.getElementById("gb-status")?.dataset.state ?? "idle") === "idle";
      // Idle twice, a moment apart: a layout change (a scrollbar appearing changes `width`) can re-run cells.
      let quietChecks = 0;
      while (quietChecks < 2) {
        await page.waitForFunction(isIdle, undefined, {timeout});
        await page.waitForTimeout(150);
        quietChecks = (await page.evaluate(isIdle)) ? quietChecks + 1 : 0;
      }
    },
    screenshot: async (name) => {
      mkdirSync(SCREENSHOTS_DIR, {recursive: true});
      const path = join(SCREENSHOTS_DIR, `${name}.png`);
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({path, fullPage: true});
      return path;
    },
    problems: async () => [
      ...offsite.map((u) => `offsite request: ${u}`),
      ...consoleErrors.map((e) => `console error: ${e}`),
      ...(await watched.cspViolations()).map((v) => `CSP violation: ${v}`),
      ...(await watched.cellErrors()).map((e) => `cell error: ${e}`)
    ]
  };
  await page.goto(url, {waitUntil: "load"});
  return watched;
}

/** Sets an Observable input's value the way a user does: change the form control, then fire "input". */
export async function setInput(page: Page, label: string, value: string): Promise<void> {
  const form = page.locator("form", {has: page.locator("label", {hasText: label})}).first();
  const control = form.locator("select, input[type=number], input[type=text], input:not([type])").first();
  if ((await control.evaluate((e) => e.tagName)) === "SELECT") await control.selectOption({label: value});
  else await control.fill(value);
  await control.dispatchEvent("input", {bubbles: true});
}

// The studio in a real browser, in dev and in the built site (served from a sub-folder): every notebook opens clean
// (no cell error, console error, CSP violation or request leaving localhost), the gallery lists them, inputs drive
// their dependents, deep links restore inputs, the status bar shows work and stops it, and dist/ has no live CDN URL.
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {encode, loadDefaultModel} from "../../src/engine/index.ts";
import {serveStatic} from "../../src/studio/serve.node.ts";
import {PREVIEWS_DIR} from "../../src/studio/vite/gallery.node.ts";
import {listNotebooks} from "../../src/studio/vite/notebooks.node.ts";
import {launchBrowser, openPage, PROJECT_ROOT, setInput, type Browser} from "./helpers/index.ts";

const notebooks = listNotebooks(PROJECT_ROOT);
const modes = [
  ["dev", inject("devUrl")],
  ["site", inject("siteUrl")]
] as const;

/** Writing gallery previews is opt-in: `GLASSBOX_PREVIEWS=1 npx vitest run --config vitest.browser.config.ts`. */
const WRITE_PREVIEWS = process.env.GLASSBOX_PREVIEWS === "1";
const PREVIEW_VIEWPORT = {width: 960, height: 600};
/** Hides the chrome (bar, notices, banners, editor bars and sources) and the prose; headings, inputs and charts stay. */
const PREVIEW_CSS = `.gb-bar, .gb-notices, .gb-banners, .gb-editbar, .gb-cell-bar, .gb-cell-source,
  .gb-cell[data-mode="md"] p, .gb-cell[data-mode="md"] ul, .gb-cell[data-mode="md"] table,
  main > pre, main > .observablehq--cell > div > p { display: none !important; }`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(modes)("studio (%s)", (mode, baseUrl) => {
  it("index.html lists every notebook with its title, description and a preview image", async () => {
    const page = await openPage(browser.context, `${baseUrl}index.html`);
    await page.idle();
    const cards = await page.page.$$eval(".gb-card", (links) =>
      links.map((a) => ({
        name: (a as HTMLElement).dataset.notebook,
        href: a.getAttribute("href"),
        title: a.querySelector("h2")?.textContent,
        description: a.querySelector("p")?.textContent,
        preview: (a.querySelector("img") as HTMLImageElement | null)?.naturalWidth ?? 0
      }))
    );
    expect(cards.map((c) => c.name)).toEqual(notebooks.map((n) => n.name));
    for (const [i, card] of cards.entries()) {
      expect(card.href).toBe(`./${notebooks[i]!.path}`);
      expect(card.title).toBe(notebooks[i]!.title);
      expect(card.description, `${card.name} needs a one-line description paragraph`).toMatch(/\w{3}/);
      const hint = `${card.name} has no preview: run GLASSBOX_PREVIEWS=1 npx vitest run --config vitest.browser.config.ts`;
      if (!WRITE_PREVIEWS) expect(card.preview, hint).toBeGreaterThan(0);
    }
    await page.screenshot(`${mode}-gallery`);
    // an inline icon: without one Chromium asks for /favicon.ico and logs a 404 that the page watcher cannot see
    expect(await page.page.locator('link[rel="icon"][href^="data:"]').count()).toBe(1);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it.each(notebooks.map((n) => [n.name, n] as const))(
    "notebooks/%s.html opens with no cell error, console error, CSP violation or offsite request",
    async (name, notebook) => {
      const page = await openPage(browser.context, `${baseUrl}${notebook.path}`);
      await page.idle();
      expect(await page.page.title()).toBe(`${notebook.title} · Glassbox`);
      expect(await page.page.locator("main .observablehq--cell").count()).toBeGreaterThan(0);
      expect(await page.page.locator("#gb-isolation").textContent()).toBe("cross-origin isolated: threads available");
      const glossary = await page.page
        .locator(".gb-bar a", {hasText: "Glossary"})
        .evaluate((a) => (a as HTMLAnchorElement).href);
      expect(glossary).toBe(`${baseUrl}notebooks/glossary.html`);
      await page.screenshot(`${mode}-${name}`);
      expect(await page.page.locator('link[rel="icon"][href^="data:"]').count()).toBe(1);
      expect(await page.problems()).toEqual([]);
      expect(page.requests.length).toBeGreaterThan(0);
      await page.page.close();
      if (WRITE_PREVIEWS && mode === "site") await writePreview(`${baseUrl}${notebook.path}`, name);
    }
  );
});

describe("studio inputs (dev)", () => {
  const url = `${inject("devUrl")}notebooks/rounding.html`;

  it("moving an input re-renders its dependents", async () => {
    const page = await openPage(browser.context, url);
    await page.idle();
    const chart = page.page.locator("svg[data-bits]");
    expect(await chart.getAttribute("data-bits")).toBe("4");
    const before = await page.page.locator("svg path.rounded").getAttribute("d");
    await setInput(page.page, "bits", "2");
    await page.page.locator('svg[data-bits="2"]').waitFor();
    await page.idle();
    expect(await page.page.locator("svg path.rounded").getAttribute("d")).not.toBe(before);
    await setInput(page.page, "group size", "8");
    await page.page.locator('svg[data-group-size="8"]').waitFor();
    expect(new URL(page.page.url()).search).toBe("?bits=2&group=8");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a deep link restores the inputs", async () => {
    const page = await openPage(browser.context, `${url}?bits=3&group=8`);
    await page.idle();
    expect(await page.page.locator('form:has(label:text-is("bits")) input[type=number]').inputValue()).toBe("3");
    expect(await page.page.locator("svg[data-bits]").getAttribute("data-bits")).toBe("3");
    expect(await page.page.locator("svg[data-bits]").getAttribute("data-group-size")).toBe("8");
    await page.screenshot("dev-rounding-deep-link");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a bad deep-link value shows invalid <name>: <value> and falls back to the default", async () => {
    const page = await openPage(browser.context, `${url}?bits=99&group=7`);
    await page.idle();
    const notices = await page.page.locator(".gb-notice").allTextContents();
    expect(notices.sort()).toEqual(["invalid bits: 99", "invalid group: 7"]);
    expect(await page.page.locator(".gb-notice").first().isVisible()).toBe(true);
    expect(await page.page.locator("svg[data-bits]").getAttribute("data-bits")).toBe("4");
    expect(await page.page.locator("svg[data-bits]").getAttribute("data-group-size")).toBe("32");
    expect(new URL(page.page.url()).search).toBe("");
    await page.screenshot("dev-rounding-invalid-deep-link");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("track() shows the busy indicator and a Stop control that cancels the work", async () => {
    const page = await openPage(browser.context, url);
    await page.idle();
    const status = page.page.locator("#gb-status");
    const stop = page.page.locator("#gb-stop");
    expect(await stop.isVisible()).toBe(false);
    // The page's own module instance (same URL as the notebook imports): a task that runs until aborted. A string,
    // so vitest does not rewrite the dynamic import.
    const outcome = page.page.evaluate(`import("/src/studio/work.ts").then(({track}) =>
      track((signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))), {
        label: "test task"
      }).then(() => "finished", (error) => error.name + ": " + error.message))`);
    await page.page.locator('#gb-status[data-state="busy"]').waitFor();
    expect(await status.textContent()).toContain("test task");
    expect(await stop.isVisible()).toBe(true);
    expect(await stop.isEnabled()).toBe(true);
    await page.screenshot("dev-rounding-busy");
    await stop.click();
    expect(await outcome).toBe("WorkCancelled: stopped");
    await page.idle();
    expect((await status.textContent())?.trim()).toBe("ready");
    expect(await stop.isVisible()).toBe(false);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

describe("the model notebook (dev)", () => {
  const url = `${inject("devUrl")}notebooks/next-token.html`;

  it("changing the quantization re-runs the model and redraws the next-token chart", async () => {
    const page = await openPage(browser.context, url);
    await page.idle();
    const chart = page.page.locator("svg[data-quant]");
    expect(await chart.getAttribute("data-quant")).toBe("q4_0");
    const before = await chart.textContent();
    await setInput(page.page, "quantization", "int3:g32");
    await page.page.locator('svg[data-quant="int3:g32"]').waitFor();
    await page.idle();
    expect(await page.page.locator("svg[data-quant]").textContent()).not.toBe(before);
    expect(new URL(page.page.url()).searchParams.get("quant")).toBe("int3:g32");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a deep link restores quantization, cache and prompt", async () => {
    const page = await openPage(browser.context, `${url}?quant=q8_0&cache=off&prompt=Hello`);
    await page.idle();
    const chart = page.page.locator("svg[data-quant]");
    expect(await chart.getAttribute("data-quant")).toBe("q8_0");
    expect(await chart.getAttribute("data-prompt")).toBe("Hello");
    expect(await chart.textContent()).toContain("q8_0, dequantized every step");
    expect(await page.page.locator("input[type=checkbox]").isChecked()).toBe(false);
    // one token strip entry per token of the built-in model's encoding of the prompt (BOS included)
    expect(await page.page.locator(".gb-token").count()).toBe(encode(loadDefaultModel().tokenizer, "Hello").length);
    await page.screenshot("dev-next-token-deep-link");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

describe("the model notebook without WebAssembly SIMD (dev)", () => {
  it("runs on the plain TS kernels and says so", async () => {
    const page = await openPage(browser.context, `${inject("devUrl")}notebooks/next-token.html?prompt=Hello`);
    // what a browser without SIMD128 answers for the kernel module (the only module the page validates)
    await page.page.addInitScript("WebAssembly.validate = () => false");
    await page.page.reload();
    await page.idle();
    expect(await page.page.locator(".gb-notice").allTextContents()).toEqual([
      expect.stringMatching(
        /^This browser cannot run the WebAssembly SIMD kernels, so the model runs on the plain TypeScript/
      )
    ]);
    expect(await page.page.locator("main").textContent()).toContain("on plain TS kernels (wasm unavailable");
    expect(await page.page.locator("svg[data-quant]").getAttribute("data-prompt")).toBe("Hello");
    await page.screenshot("dev-next-token-no-simd");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

describe("built site", () => {
  it("says it is single-threaded when served without cross-origin isolation", async () => {
    const server = await serveStatic({root: inject("siteDir"), isolate: false});
    try {
      const page = await openPage(browser.context, `${server.url}${notebooks[0]!.path}`);
      await page.idle();
      expect(await page.page.locator("#gb-isolation").textContent()).toMatch(/^single-threaded/);
      expect(await page.problems()).toEqual([]);
      await page.page.close();
    } finally {
      await server.close();
    }
  });

  it("dist/ holds no CDN URL except known dead strings", () => {
    const found = new Set<string>();
    for (const file of walk(inject("siteDir"))) {
      if (!/\.(js|css|html|json|svg)$/.test(file)) continue;
      for (const [url] of readFileSync(file, "utf8").matchAll(CDN_URL)) found.add(url);
    }
    const dead = (url: string) =>
      KNOWN_DEAD_CDN_STRINGS.includes(url) || KNOWN_DEAD_CDN_TEMPLATES.some((template) => template.test(url));
    expect([...found].filter((url) => !dead(url)).sort()).toEqual([]);
  });

  it(`reports the build: ${inject("buildSeconds").toFixed(1)} s`, () => {
    const files = walk(inject("siteDir"));
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    console.log(
      `site build: ${inject("buildSeconds").toFixed(1)} s, ${files.length} files, ${(bytes / 2 ** 20).toFixed(2)} MiB`
    );
    expect(files.some((f) => f.endsWith("index.html"))).toBe(true);
  });
});

/** Hosts that serve code or data on the web; none may be reachable from the studio. */
const CDN_URL =
  /https?:\/\/(?:cdn\.jsdelivr\.net|esm\.sh|esm\.run|unpkg\.com|cdnjs\.cloudflare\.com|ga\.jspm\.io|cdn\.skypack\.dev|api\.observablehq\.com|fonts\.googleapis\.com|fonts\.gstatic\.com)[^"'`\s)]*/g;

/**
 * CDN strings left in notebook-kit's bundled stdlib: code paths our offline library never reaches (its builtins are
 * replaced, see src/studio/library.ts), and the CSP would block them anyway.
 */
const KNOWN_DEAD_CDN_STRINGS = [
  "https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/dist/duckdb-browser-eh.worker.js",
  "https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/dist/duckdb-browser-mvp.worker.js",
  "https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/dist/duckdb-eh.wasm",
  "https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/dist/duckdb-mvp.wasm",
  "https://cdn.jsdelivr.net/npm/parquet-wasm/esm/parquet_wasm_bg.wasm",
  "https://cdn.jsdelivr.net/npm/@observablehq/sample-datasets/${e}",
  // the prefix src/studio/vite/offline-specifier.ts strips from a transpiled import to find the installed package:
  // compared against, never fetched
  "https://cdn.jsdelivr.net/npm/"
];

/**
 * The live editor bundles notebook-kit's transpiler, which rewrites `observable:`, `npm:` and `jsr:` imports into CDN
 * URLs built from template literals. They never load: live imports map them back to the installed packages
 * (src/studio/editor/live-imports.ts) and the CSP blocks any other. Matched with the minifier's identifiers as `\w+`,
 * but otherwise exactly, so any new host or URL still fails the test.
 */
const KNOWN_DEAD_CDN_TEMPLATES = [
  /^https:\/\/api\.observablehq\.com\/\$\{\w+\}\.js\?v=4$/, // `https://api.observablehq.com/${t}.js?v=4`
  /^https:\/\/cdn\.jsdelivr\.net\/npm\/\$\{\w+\}\$\{\w+\|\|\w+\(\w+$/, // `https://cdn.jsdelivr.net/npm/${t}${n||ue(t`
  /^https:\/\/esm\.sh\/jsr\/\$\{\w+\.slice\(4$/ // `https://esm.sh/jsr/${e.slice(4`
];

function walk(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
  );
}

let previewBrowser: Browser | undefined;
afterAll(async () => {
  await previewBrowser?.close();
});

/** A 480 × 300 preview of the top of a notebook: title, inputs and first charts; prose, code and chrome hidden. */
async function writePreview(url: string, name: string): Promise<void> {
  previewBrowser ??= await launchBrowser({viewport: PREVIEW_VIEWPORT, deviceScaleFactor: 0.5});
  const page = await openPage(previewBrowser.context, url);
  await page.page.addStyleTag({content: PREVIEW_CSS});
  await page.idle();
  await page.page.evaluate(() => document.fonts.ready);
  const dir = join(PROJECT_ROOT, PREVIEWS_DIR);
  mkdirSync(dir, {recursive: true});
  await page.page.screenshot({path: join(dir, `${name}.png`)});
  expect(existsSync(join(dir, `${name}.png`))).toBe(true);
  await page.page.close();
}

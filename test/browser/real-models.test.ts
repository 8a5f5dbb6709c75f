// The real-models notebook (issue 25) in a real browser, in dev and in the built site: on the built-in model the
// llama-perplexity report prints (every chunk's row, the closing statistics), q8_0 costs less KLD than Q4_K_M, the
// GGUF anatomy says honestly that every K-quant falls back here, the one-matrix ranking lists every matrix, and the
// block view opens a (simulated) Q4_K super-block, the outlier section lists the largest activations and says the toy has no massive ones; with
// no cell error, console error, CSP violation or request leaving localhost. Screenshots for review.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, setInput, type Browser, type WatchedPage} from "./helpers/index.ts";

/** the whole notebook runs about forty model passes over held-out text on a loaded machine */
const RUN_MS = 480_000;
const modes = [
  ["dev", inject("devUrl")],
  ["site", inject("siteUrl")]
] as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const report = (page: WatchedPage) => page.page.locator("pre.gb-kld-table");

describe.each(modes)("notebooks/real-models.html (%s)", (mode, baseUrl) => {
  it(
    "runs on the built-in model: the perplexity table, the tensor-type map with its fallbacks, the ranking",
    async () => {
      const page = await openPage(browser.context, `${baseUrl}notebooks/real-models.html`);
      await page.idle(RUN_MS);
      const text = (await report(page).textContent()) ?? "";
      expect(text).toContain("====== Perplexity statistics ======");
      expect(text).toMatch(/Same top p: +\d+\.\d{3} ± +\d+\.\d{3} %/);
      const chunks = text.split("\n").filter((l) => /^ {2,3}\d+ {3}/.test(l));
      expect(chunks.length).toBeGreaterThan(1);
      const q4km = Number(await report(page).getAttribute("data-kld-mean"));
      expect(q4km).toBeGreaterThan(0);
      // the built-in model's rows (64, 192): every layer matrix falls back, and the page says so
      expect(Number(await page.page.locator("[data-fallbacks]").getAttribute("data-fallbacks"))).toBe(28);
      expect(await page.page.locator("[data-fallbacks]").textContent()).toMatch(/SmolLM2-135M.*Qwen2\.5-0\.5B/);
      expect(await page.page.locator("svg.gb-tensor-type-map .gb-type-cell").count()).toBe(29);
      expect(await page.page.locator(".gb-hurt-table:not(.gb-outlier-table, .gb-block-table) tbody tr").count()).toBe(
        30
      );
      // a block opened: q4_k on blk.0.attn_q, simulated here and said so; one sub-block's 32 values listed
      expect(await page.page.locator(".gb-block-table tbody tr").count()).toBe(32);
      expect(await page.page.locator(".gb-simulated", {hasText: "blk.0.attn_q"}).count()).toBeGreaterThan(0);
      expect(Number(await page.page.locator('[data-stat="block-sqnr"]').getAttribute("data-value"))).toBeGreaterThan(0);
      // outliers: ten largest activations listed; the toy has no massive activations, and says so
      expect(await page.page.locator(".gb-outlier-table tbody tr").count()).toBe(10);
      expect(await page.page.locator("[data-massive]").getAttribute("data-massive")).toBe("no");
      expect(Number(await page.page.locator('[data-stat="sink"]').getAttribute("data-value"))).toBeGreaterThan(0);
      await page.screenshot(`${mode}-real-models`);
      expect(await page.problems()).toEqual([]);
      if (mode === "dev") {
        await setInput(page.page, "quant spec", "preset=Q8_0");
        await page.page.waitForFunction(
          (before) => document.querySelector("pre.gb-kld-table")?.getAttribute("data-kld-mean") !== before,
          String(q4km),
          {timeout: RUN_MS}
        );
        await page.idle(RUN_MS);
        expect(Number(await report(page).getAttribute("data-kld-mean"))).toBeLessThan(q4km);
        expect(new URL(page.page.url()).searchParams.get("quant")).toBe("preset=Q8_0");
        expect(await page.problems()).toEqual([]);
      }
      await page.page.close();
    },
    2 * RUN_MS
  );
});

// The training notebook in a real browser (dev server), on a tiny configuration from its deep link: training lowers
// the validation loss the page shows, Stop stops the step counter and Resume goes on, a changed setting cancels the
// run, fine-tuning in float and with fake quantization produces both comparisons, and the card section shows the
// committed card's numbers. Effects are read from data attributes, never from timings. Screenshots for review.
import {readFileSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, PROJECT_ROOT, setInput, type Browser, type WatchedPage} from "./helpers/index.ts";

/** A model and run small enough for seconds of training on a loaded machine. */
const TINY = "steps=20&dim=16&layers=1&tune=10";
/** Long enough that it is still training when the test stops it. */
const LONG = "steps=1000&dim=16&layers=1";
const TRAINING_TIMEOUT = 240_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const url = (query: string) => `${inject("devUrl")}notebooks/training.html?${query}`;
const control = (page: Page, run: string) => page.locator(`.gb-train-control[data-run="${run}"]`);

/** The number a stat shows, from its data-value. */
async function stat(page: Page, key: string): Promise<number> {
  return Number(await page.locator(`[data-stat="${key}"]`).first().getAttribute("data-value"));
}

async function trainToEnd(page: WatchedPage, run: string): Promise<void> {
  await control(page.page, run).locator("button").click();
  await control(page.page, run).and(page.page.locator('[data-state="done"]')).waitFor({timeout: TRAINING_TIMEOUT});
  await page.idle(TRAINING_TIMEOUT);
}

/** Waits until the page's step counter reaches `step`. */
async function stepAtLeast(page: Page, step: number): Promise<void> {
  await page.waitForFunction(
    (least) => Number(document.querySelector('[data-stat="step"]')?.getAttribute("data-value")) >= least,
    step,
    {timeout: TRAINING_TIMEOUT}
  );
}

describe("notebooks/training.html (dev)", () => {
  it("Start trains the tiny model from its deep link: the validation loss shown falls below its step-0 value", async () => {
    const page = await openPage(browser.context, url(TINY));
    await page.idle(TRAINING_TIMEOUT);
    expect(await control(page.page, "train").getAttribute("data-state")).toBe("ready");
    expect(await stat(page.page, "step")).toBe(0);
    await trainToEnd(page, "train");
    expect(await stat(page.page, "step")).toBe(20);
    const [start, end] = [await stat(page.page, "val-loss-start"), await stat(page.page, "val-loss")];
    expect(Number.isFinite(start) && Number.isFinite(end)).toBe(true);
    expect(end).toBeLessThan(start);
    expect(await page.page.locator('svg[data-state="done"][data-step="20"]').count()).toBe(1); // the loss curve
    expect(await page.page.locator('svg.gb-attention-heads[data-step="20"]').count()).toBe(1);
    expect(await page.page.locator("table.gb-samples").first().locator("tbody tr").count()).toBe(11); // steps 0, 2, …, 20
    await page.screenshot("dev-training-tiny");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("Stop stops the step counter, Resume goes on, and the top bar's Stop pauses it too", async () => {
    const page = await openPage(browser.context, url(LONG));
    await page.idle(TRAINING_TIMEOUT);
    const run = control(page.page, "train");
    await run.locator("button").click();
    await stepAtLeast(page.page, 3);
    expect(await run.locator("button").textContent()).toBe("Stop");
    await run.locator("button").click();
    await run.and(page.page.locator('[data-state="paused"]')).waitFor();
    await page.idle();
    const stopped = await stat(page.page, "step");
    await page.page.waitForTimeout(1500);
    expect(await stat(page.page, "step")).toBe(stopped);
    expect(stopped).toBeGreaterThanOrEqual(3);
    expect(stopped).toBeLessThan(1000);
    expect(await run.locator("button").textContent()).toBe("Resume");
    await run.locator("button").click();
    await stepAtLeast(page.page, stopped + 2);
    await page.page.locator("#gb-stop").click();
    await run.and(page.page.locator('[data-state="paused"]')).waitFor();
    await page.idle();
    const again = await stat(page.page, "step");
    await page.page.waitForTimeout(1500);
    expect(await stat(page.page, "step")).toBe(again);
    await page.screenshot("dev-training-stopped");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("changing a setting while it trains cancels the run and starts over at step 0", async () => {
    const page = await openPage(browser.context, url(LONG));
    await page.idle(TRAINING_TIMEOUT);
    await control(page.page, "train").locator("button").click();
    await stepAtLeast(page.page, 2);
    await setInput(page.page, "layers", "3");
    await page.idle(TRAINING_TIMEOUT);
    expect(await control(page.page, "train").getAttribute("data-state")).toBe("ready");
    expect(await stat(page.page, "step")).toBe(0);
    expect(new URL(page.page.url()).searchParams.get("layers")).toBe("3");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("fine-tuning in float and with fake quantization gives both comparisons: loss and KLD, after training and QAT", async () => {
    const page = await openPage(browser.context, url(TINY));
    await page.idle(TRAINING_TIMEOUT);
    await trainToEnd(page, "train");
    await trainToEnd(page, "fine-tune");
    const figures = {
      ptqLoss: await stat(page.page, "ptq-loss"),
      qatLoss: await stat(page.page, "qat-loss"),
      ptqKld: await stat(page.page, "ptq-kld"),
      qatKld: await stat(page.page, "qat-kld")
    };
    for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value), name).toBe(true);
    expect(figures.ptqKld).toBeGreaterThan(0);
    expect(figures.qatKld).toBeGreaterThan(0);
    expect(await page.page.locator(".gb-comparison table tbody tr").count()).toBe(3);
    await page.screenshot("dev-training-qat");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a bad deep-link value is named and the input keeps its default", async () => {
    const page = await openPage(browser.context, url("dim=20&steps=7&layers=2"));
    await page.idle(TRAINING_TIMEOUT);
    const notices = await page.page.locator(".gb-notice").allTextContents();
    expect(notices.sort()).toEqual(["invalid dim: 20", "invalid steps: 7"]);
    expect(await page.page.locator(".gb-train-control").first().getAttribute("data-state")).toBe("ready");
    expect(await page.page.locator("p.gb-note", {hasText: "weights:"}).textContent()).toContain("of width 32");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("the built-in model's section shows its card: validation loss, bigram baseline and what did not emerge", async () => {
    const card = JSON.parse(readFileSync(join(PROJECT_ROOT, "models/glassbox-stories.card.json"), "utf8"));
    const page = await openPage(browser.context, url(""));
    await page.idle(TRAINING_TIMEOUT);
    expect(await stat(page.page, "card-val-loss")).toBe(card.validation.loss);
    expect(await stat(page.page, "card-bigram")).toBe(card.validation.bigramBaselineLoss);
    expect(await stat(page.page, "card-seed")).toBe(card.seed);
    const honest = page.page.locator(".gb-honest");
    expect(await honest.getAttribute("data-previous-token-emerged")).toBe(String(card.heads.previousToken.emerged));
    expect(await honest.getAttribute("data-induction-emerged")).toBe(String(card.heads.induction.emerged));
    if (!card.heads.induction.emerged) expect(await honest.textContent()).toContain("No induction head emerged.");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

// The teaching notebooks "Inside the glass box", "Bring your own model" and the glossary in a real browser (dev server):
// an intervention changes the shown logits, the logit lens ends on the model's own prediction, a checkpoint loaded
// from disk through the file picker changes the numbers (here and in the other notebooks), and bad files get clear
// errors that lose nothing. (Opening every notebook clean, dev and built site, is studio.test.ts's job.)
import {readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";
import {launchBrowser, openPage, setInput, type Browser, type WatchedPage} from "./helpers/index.ts";

const devUrl = inject("devUrl");
const glassBox = `${devUrl}notebooks/inside-the-glass-box.html`;
const byom = `${devUrl}notebooks/bring-your-own-model.html`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Picks files in the from-disk loader and presses Load. */
async function loadFiles(page: WatchedPage, checkpoint: FileSpec, tokenizer: FileSpec): Promise<void> {
  await page.page.locator("input[type=file][name=checkpoint]").setInputFiles(checkpoint);
  await page.page.locator("input[type=file][name=tokenizer]").setInputFiles(tokenizer);
  await page.page.locator("button.gb-model-load").click();
}

type FileSpec = {name: string; mimeType: string; buffer: Buffer};
const file = (name: string, bytes: Uint8Array): FileSpec => ({
  name,
  mimeType: "application/octet-stream",
  buffer: Buffer.from(bytes)
});

describe("inside the glass box (dev)", () => {
  it("zeroing a head changes the shown logits, and the URL keeps the intervention", async () => {
    const page = await openPage(browser.context, glassBox);
    await page.idle();
    const chart = page.page.locator("svg[data-intervention]");
    expect(await chart.getAttribute("data-intervention")).toBe("none");
    expect(Number(await chart.getAttribute("data-max-logit-delta"))).toBe(0);
    const clean = await chart.textContent();

    await setInput(page.page, "intervention", "zero a head");
    await page.page.locator('svg[data-intervention="zero-head"]').waitFor();
    await page.idle();
    const ablated = page.page.locator("svg[data-intervention]");
    expect(Number(await ablated.getAttribute("data-max-logit-delta"))).toBeGreaterThan(0);
    expect(await ablated.textContent()).not.toBe(clean);
    expect(await page.page.locator(".gb-intervention-summary").textContent()).toMatch(/Largest change of a logit: \d/);

    await setInput(page.page, "head", "1");
    await page.idle();
    const otherHead = Number(await page.page.locator("svg[data-intervention]").getAttribute("data-max-logit-delta"));
    expect(otherHead).toBeGreaterThan(0);
    expect(new URL(page.page.url()).searchParams.get("intervene")).toBe("zero-head");
    expect(new URL(page.page.url()).searchParams.get("head")).toBe("1");
    await page.screenshot("dev-inside-the-glass-box-ablated");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("patching the residual from another prompt changes the logits; from the same prompt it changes nothing", async () => {
    const prompt = "Once upon a time";
    const url = `${glassBox}?prompt=${encodeURIComponent(prompt)}&intervene=patch-resid&at=1`;
    const page = await openPage(browser.context, `${url}&source=${encodeURIComponent("A dog ran")}`);
    await page.idle();
    const chart = page.page.locator('svg[data-intervention="patch-resid"]');
    expect(Number(await chart.getAttribute("data-max-logit-delta"))).toBeGreaterThan(0);
    await setInput(page.page, "source prompt", prompt);
    await page.idle();
    expect(Number(await chart.getAttribute("data-max-logit-delta"))).toBe(0);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("the logit lens's last row is the model's own next-token choice, and the layer slider redraws attention", async () => {
    const page = await openPage(browser.context, glassBox);
    await page.idle();
    const finalTop = await page.page.locator(".gb-logit-lens").getAttribute("data-final-top");
    expect(finalTop).toBe(await page.page.locator("svg[data-intervention]").getAttribute("data-top-clean"));
    expect(await page.page.locator("svg[data-layer]").getAttribute("data-layer")).toBe("0");
    const before = await page.page.locator("svg[data-layer]").innerHTML();
    await setInput(page.page, "layer", "2");
    await page.page.locator('svg[data-layer="2"]').waitFor();
    expect(await page.page.locator("svg[data-layer]").innerHTML()).not.toBe(before);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a glossary term opens its entry", async () => {
    const page = await openPage(browser.context, glassBox);
    await page.idle();
    const term = page.page.locator('a.gb-term[href$="#residual-stream"]').first();
    expect(await term.getAttribute("title")).toMatch(/^residual stream: The running vector per position/);
    await page.page.locator('a.gb-term[href$="#tokenizer"]').first().click();
    await page.page.waitForURL(/glossary\.html#tokenizer$/);
    await page.idle();
    await page.page.locator("dt#tokenizer").waitFor();
    expect(await page.page.locator("dt#tokenizer").textContent()).toBe("tokenizer");
    const total = Number(await page.page.locator("dl.gb-glossary").getAttribute("data-count"));
    await setInput(page.page, "filter", "quantiz");
    await page.idle();
    const count = Number(await page.page.locator("dl.gb-glossary").getAttribute("data-count"));
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(total / 2); // the filter keeps the quantization terms only
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

describeWithFixtures("llama2c", "bring your own model (dev)", () => {
  const checkpoint = readFileSync(fixturePath("llama2c", "stories260K.bin"));
  const tokenizer = readFileSync(fixturePath("llama2c", "tok512.bin"));
  const bigTokenizer = readFileSync(fixturePath("llama2c", "tokenizer-32000.bin"));

  it("a truncated checkpoint or a mismatched tokenizer gets a clear error and the built-in model stays", async () => {
    const page = await openPage(browser.context, byom);
    await page.idle();
    const builtInConfig = await page.page.locator("table.gb-config").textContent();
    const error = page.page.locator(".gb-model-error");
    await loadFiles(page, file("stories260K-cut.bin", checkpoint.subarray(0, 100_000)), file("tok512.bin", tokenizer));
    await error.waitFor({state: "visible"});
    expect(await error.textContent()).toMatch(
      /^could not load the model: stories260K-cut\.bin: checkpoint is truncated: .* needs \d+ bytes but the file has 100000; download or export it again$/
    );
    expect(await page.page.locator(".gb-model-picker").getAttribute("data-model")).toBe("built-in");

    await loadFiles(page, file("stories260K.bin", checkpoint), file("tokenizer.bin", bigTokenizer));
    await page.page.locator(".gb-model-error", {hasText: "tokenizer.bin"}).waitFor();
    expect(await error.textContent()).toBe(
      "could not load the model: tokenizer.bin: tokenizer has 32000 tokens but the model's vocab_size is 512; pass the tokenizer the model was exported with"
    );
    expect(await page.page.locator(".gb-model-picker").getAttribute("data-model")).toBe("built-in");
    expect(await page.page.locator("table.gb-config").textContent()).toBe(builtInConfig);
    await page.screenshot("dev-bring-your-own-model-error");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("loading stories260K through the file picker changes the numbers here and in the other notebooks", async () => {
    const page = await openPage(browser.context, byom);
    await page.idle();
    const config = page.page.locator("table.gb-config");
    expect(await config.getAttribute("data-model")).toBe("built-in");
    const configBefore = await config.textContent();
    const topBefore = await page.page.locator("form table").first().textContent();
    const sampleBefore = await page.page.locator("blockquote.gb-sample").textContent();

    await loadFiles(page, file("stories260K.bin", checkpoint), file("tok512.bin", tokenizer));
    await page.page.locator('table.gb-config[data-model="stories260K"]').waitFor();
    await page.idle();
    // stories260K: dim 64, hidden 172, 5 layers, 8 heads, 4 KV heads, vocab 512 (../shared/fixtures/llama2c/README.md)
    expect(await config.textContent()).not.toBe(configBefore);
    for (const row of [
      "hidden_dim172",
      "n_layers5",
      "n_kv_heads4key/value heads: GQA, 2 query heads share one",
      "vocab_size512"
    ])
      expect(await config.textContent()).toContain(row);
    expect(await page.page.locator(".gb-model-status").textContent()).toContain("loaded stories260K");
    expect(await page.page.locator("form table").first().textContent()).not.toBe(topBefore);
    const sample = await page.page.locator('blockquote.gb-sample[data-model="stories260K"]').textContent();
    expect(sample).not.toBe(sampleBefore);
    expect(new URL(page.page.url()).searchParams.get("model")).toBe("stories260K");
    await page.screenshot("dev-bring-your-own-model-loaded");
    expect(await page.problems()).toEqual([]);
    await page.page.close();

    // Another notebook, same browser: its picker offers the stored model and the deep link selects it.
    const builtIn = await openPage(browser.context, glassBox);
    await builtIn.idle();
    const builtInTokens = await builtIn.page.locator("[data-tokens]").getAttribute("aria-label");
    const builtInChart = await builtIn.page.locator("svg[data-intervention]").textContent();
    await builtIn.page.close();
    const glass = await openPage(browser.context, `${glassBox}?model=stories260K`);
    await glass.idle();
    expect(await glass.page.locator(".gb-model-picker").getAttribute("data-model")).toBe("stories260K");
    expect(await glass.page.locator("[data-tokens]").getAttribute("aria-label")).not.toBe(builtInTokens);
    // both story models may well agree on the top-1 token; their probabilities differ
    expect(await glass.page.locator("svg[data-intervention]").textContent()).not.toBe(builtInChart);
    expect(await glass.page.locator("svg[data-layer]").textContent()).toContain("head 7");
    await glass.screenshot("dev-inside-the-glass-box-stories260K");
    expect(await glass.problems()).toEqual([]);

    // Forget: the picker falls back to the built-in model and the stored copy is gone.
    await glass.page.locator(".gb-model-loader summary").click();
    await glass.page.locator("button.gb-model-forget").click();
    await glass.page.locator('.gb-model-picker[data-model="built-in"]').waitFor();
    await glass.idle();
    expect(await glass.problems()).toEqual([]);
    await glass.page.close();
    const later = await openPage(browser.context, `${glassBox}?model=stories260K`);
    await later.idle();
    expect(await later.page.locator(".gb-notice").allTextContents()).toEqual(["invalid model: stories260K"]);
    expect(await later.page.locator(".gb-model-picker").getAttribute("data-model")).toBe("built-in");
    await later.page.close();
  });
});

// The quantization-error, cost-of-get_w and performance-lessons notebooks in a real browser (dev server): their live
// inputs have the effects the notebooks teach, read from the stable data attributes of their figures (never from
// timings): the cache takes the bytes dequantized per step from > 0 to 0, q4_0 loses more than 15 dB of SQNR against
// q8_0, and every experiment of the performance notebook runs and shows finite numbers. Screenshots for review.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import type {Page} from "playwright-core";
import {launchBrowser, openPage, SCREENSHOTS_DIR, setInput, type Browser} from "./helpers/index.ts";

/** Q8_0 -> Q4_0 removes 4 bits per weight, about 24 dB by the 6 dB-per-bit rule; the issue asks for more than 15. */
const MIN_SQNR_DROP_DB = 15;
const EXPERIMENTS = ["kernel-choice", "get-w", "sigmoid", "rope", "rmsnorm", "threads", "denormals"] as const;
const BUTTON_LABELS: Record<(typeof EXPERIMENTS)[number], string> = {
  "kernel-choice": "kernel choice",
  "get-w": "get_w per step",
  sigmoid: "sigmoid variants",
  rope: "RoPE tables",
  rmsnorm: "RMSNorm",
  threads: "thread threshold",
  denormals: "denormal trap"
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const base = () => `${inject("devUrl")}notebooks/`;

/** The number a stat shows, from its data-value. */
async function stat(page: Page, key: string, scope = "body"): Promise<number> {
  const value = await page.locator(`${scope} [data-stat="${key}"]`).first().getAttribute("data-value");
  return Number(value);
}

describe("notebooks/cost-of-get-w.html", () => {
  it("turning the cache on takes the bytes dequantized per step from > 0 to 0", async () => {
    const page = await openPage(browser.context, `${base()}cost-of-get-w.html`);
    await page.idle(120_000);
    expect(await page.page.locator("svg[data-cache]").getAttribute("data-cache")).toBe("off");
    const before = await stat(page.page, "bytes-dequantized-per-step");
    expect(before).toBeGreaterThan(0);
    expect(await stat(page.page, "cached-bytes")).toBe(0);
    await page.page.locator('form:has(label:text-is("cache")) input[type=checkbox]').click();
    await page.page.locator('svg[data-cache="on"]').waitFor();
    await page.idle(120_000);
    expect(await stat(page.page, "bytes-dequantized-per-step")).toBe(0);
    expect(await stat(page.page, "cached-bytes")).toBeGreaterThan(0);
    expect(new URL(page.page.url()).searchParams.get("cache")).toBe("on");
    await page.screenshot("dev-cost-of-get-w-cache-on");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("the mode comparison shows the fastest and the median of five runs, says what is within noise, points to a real-scale model", async () => {
    const page = await openPage(browser.context, `${base()}cost-of-get-w.html`);
    await page.idle(120_000);
    for (const mode of ["fp32", "dequant", "cached", "fused"]) {
      expect(await stat(page.page, `ms-per-token-${mode}`)).toBeGreaterThan(0);
      expect(await page.page.locator(`[data-stat="ms-per-token-${mode}"] dd`).textContent()).toMatch(
        /^\S+ [µm]?s fastest · \S+ [µm]?s median \/ token$/
      );
    }
    const noise = page.page.locator("p.gb-noise");
    // three neighbours in order of speed, each a real difference or within noise
    expect((await noise.textContent())!.match(/within noise of each other|faster than .+? in every run/g)).toHaveLength(
      3
    );
    expect(await noise.textContent()).toContain("belong to a real-scale model: load stories15M");
    await noise.scrollIntoViewIfNeeded();
    await page.page.screenshot({path: `${SCREENSHOTS_DIR}/dev-cost-of-get-w-modes.png`});
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a deep link restores format and cache", async () => {
    const page = await openPage(browser.context, `${base()}cost-of-get-w.html?quant=q8_0&cache=on`);
    await page.idle(120_000);
    expect(await page.page.locator("svg[data-cache]").getAttribute("data-cache")).toBe("on");
    expect(await stat(page.page, "bytes-dequantized-per-step")).toBe(0);
    expect(await page.page.locator('form:has(label:text-is("format")) select option:checked').textContent()).toBe(
      "q8_0"
    );
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

describe("notebooks/quantization-error.html", () => {
  it(`switching q8_0 to q4_0 lowers the weight SQNR by more than ${MIN_SQNR_DROP_DB} dB`, async () => {
    const page = await openPage(browser.context, `${base()}quantization-error.html?quant=q8_0`); // README's deep link
    await page.idle(120_000);
    expect(await page.page.locator('form:has(label:text-is("format")) select option:checked').textContent()).toBe(
      "q8_0"
    );
    const q8 = await stat(page.page, "sqnr");
    await setInput(page.page, "format", "q4_0");
    await page.page.locator("text=spec q4_0").waitFor();
    await page.idle(120_000);
    const q4 = await stat(page.page, "sqnr");
    expect(Number.isFinite(q8) && Number.isFinite(q4)).toBe(true);
    expect(q8 - q4).toBeGreaterThan(MIN_SQNR_DROP_DB);
    expect(await stat(page.page, "bpw")).toBeCloseTo(4.5, 5);
    expect(new URL(page.page.url()).searchParams.get("quant")).toBeNull(); // q4_0 is the default
    await page.screenshot("dev-quantization-error-q4_0");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("a preset deep link resolves per tensor: the table lists every tensor with its type and reason", async () => {
    const page = await openPage(browser.context, `${base()}quantization-error.html?preset=Q4_K_M`);
    await page.idle(120_000);
    expect(await page.page.locator(".gb-spec code").textContent()).toBe("preset=Q4_K_M");
    const summary = (await page.page.locator("details.gb-plan summary").textContent())!;
    const tensors = Number(/per-tensor table: (\d+) tensors/.exec(summary)![1]);
    const rows = page.page.locator("details.gb-plan table tbody tr");
    expect(await rows.count()).toBe(tensors);
    // the built-in model's rows (64, 192) are not multiples of 256: Q4_K falls back, and the table says so
    expect(summary).toMatch(/\d+ fallbacks/);
    const types = await rows.locator("td:nth-child(3)").allTextContents();
    expect(types).not.toContain("Q4_K");
    expect(types).toContain("Q5_0"); // llama-quantize's fallback for Q4_K on rows of 32k
    await page.page.locator("details.gb-plan").evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await page.screenshot("dev-quantization-error-preset-table");
    expect(Number.isFinite(await stat(page.page, "sqnr"))).toBe(true);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("the importance matrix: collected from the model, charted per column, and what it buys per format", async () => {
    const page = await openPage(browser.context, `${base()}quantization-error.html`);
    await page.idle(180_000);
    await page.page.locator('svg[aria-label*="Importance per column"]').first().waitFor();
    const table = page.page.locator("table:has(th:text-is('gain (dB)'))");
    const rows = await table.locator("tbody tr").allTextContents();
    expect(rows.length).toBe(7); // q2_k … q6_k, iq4_nl, q4_0
    const gainColumn = await table
      .locator("thead th")
      .evaluateAll((ths) => ths.findIndex((th) => th.textContent?.trim() === "gain (dB)"));
    const gains = (await table.locator(`tbody tr td:nth-child(${gainColumn + 1})`).allTextContents()).map(Number);
    // ggml's weighted quantizers lower the error they weigh on this model's ffn_down (measured: +0.9 to +2.2 dB)
    for (const g of gains) expect(g).toBeGreaterThan(0);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  it("an old deep link in llama2.c's names opens the same view, shown in GGUF's names", async () => {
    const page = await openPage(
      browser.context,
      `${base()}quantization-error.html?overrides=emb%3Dq8_0%2Cl1.w2%3Dq8_0&tensor=l0.w2`
    );
    await page.idle(120_000);
    expect(await page.page.locator(".gb-spec code").textContent()).toBe("q4_0,token_embd=q8_0,blk.1.ffn_down=q8_0");
    expect(await page.page.locator('form:has(label:text-is("tensor")) select option:checked').textContent()).toBe(
      "blk.0.ffn_down"
    );
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });

  // That the sweep itself stops between runs (not only the cell) is test/quant/evaluate.test.ts's job.
  it("Stop during a sensitivity sweep by matrix cancels it: no chart, the cell says stopped, the page is ready", async () => {
    const page = await openPage(browser.context, `${base()}quantization-error.html?rank=matrix`);
    // the sweep takes a second or two on the built-in model: press Stop the moment it starts, from inside the page
    await page.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const poll = () => {
            if (document.getElementById("gb-status")?.textContent?.includes("ranking matrixs by sensitivity")) {
              document.getElementById("gb-stop")!.click();
              resolve();
            } else requestAnimationFrame(poll);
          };
          poll();
        })
    );
    await page.idle(120_000);
    expect((await page.page.locator("#gb-status").textContent())?.trim()).toBe("ready");
    expect(await page.page.locator("svg.gb-layer-bars", {hasText: "one matrix at a time"}).count()).toBe(0);
    expect(await page.page.locator("#cell-35").textContent()).toMatch(/stopped/);
    await page.screenshot("dev-quantization-error-sensitivity-stopped");
    await page.page.close();
  });

  it("a bad override is named and left out; an int spec is built from its inputs", async () => {
    const page = await openPage(
      browser.context,
      `${base()}quantization-error.html?format=int&bits=3&group=g64&overrides=zz%3Dq8_0`
    );
    await page.idle(120_000);
    expect(await page.page.locator(".gb-spec code").textContent()).toBe("int3:g64:sym");
    expect(await page.page.locator(".gb-spec-error").textContent()).toBe("invalid quant target: zz");
    expect(await stat(page.page, "bpw")).toBeCloseTo(3.5, 5);
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

describe("notebooks/quantization-error.html with a K-quant (issue 17)", () => {
  it("?quant=q4_k draws a super-block's sub-block scales and grid, and every view says it is simulated", async () => {
    const page = await openPage(browser.context, `${base()}quantization-error.html?quant=q4_k`);
    await page.idle(120_000);
    const {page: p} = page;
    expect(await p.locator('form:has(label:text-is("format")) select option:checked').textContent()).toBe("q4_k");
    expect(await p.locator(".gb-spec code").textContent()).toBe("q4_k");
    const simulated = "simulated: llama.cpp would store this tensor as q5_0";
    expect(await p.locator(".gb-simulated strong").textContent()).toBe(simulated);
    expect(await stat(p, "bpw")).toBeCloseTo(4.5, 5); // 144 bytes per 256 weights, no padding on the built-in model
    const scales = p.locator("svg.gb-sub-block-scales");
    expect(await scales.getAttribute("aria-label")).toMatch(/\(simulated\): d .*; 8 sub-blocks of 32, sc\/m /);
    for (const kind of ["quantization-grid", "error-histogram", "block-sqnr"])
      expect(await p.locator(`svg.gb-${kind} .gb-subtitle:has-text("${simulated}")`).count(), kind).toBe(1);
    for (const title of [
      `blk.0.attn_q after q4_k, ${simulated}`,
      "Quantization error of blk.0.attn_q, q4_k (simulated)"
    ])
      // a long title wraps over two lines: compare each chart's whole title text
      expect(
        await p.evaluate(
          (t) =>
            [...document.querySelectorAll("svg")].filter((svg) =>
              [...svg.querySelectorAll(".gb-title")]
                .map((e) => e.textContent)
                .join(" ")
                .replace(/\s+/g, " ")
                .includes(t)
            ).length,
          title
        ),
        title
      ).toBe(1);
    expect(await p.locator("svg.gb-sqnr-bits").getAttribute("aria-label")).toContain("q4_k");
    await page.screenshot("dev-quantization-error-q4_k");
    expect(await page.problems()).toEqual([]);
    await p.close();
  });
});

describe("format pickers of the other notebooks with a K-quant (issue 17)", () => {
  for (const notebook of ["cost-of-get-w.html", "next-token.html", "bring-your-own-model.html"]) {
    it(`${notebook}?quant=q4_k says the built-in model's tensors are simulated (q5_0 in llama.cpp)`, async () => {
      const page = await openPage(browser.context, `${base()}${notebook}?quant=q4_k`);
      await page.idle(120_000);
      expect(await page.page.locator(".gb-simulated strong").textContent()).toBe(
        "simulated: llama.cpp would store this tensor as q5_0"
      );
      expect(new URL(page.page.url()).searchParams.get("quant")).toBe("q4_k");
      expect(await page.problems()).toEqual([]);
      await page.page.close();
    });
  }
});

describe("notebooks/performance-lessons.html", () => {
  it("every experiment runs on its button and shows finite numbers", async () => {
    const page = await openPage(browser.context, `${base()}performance-lessons.html`);
    await page.idle(120_000);
    for (const name of EXPERIMENTS) {
      const area = `[data-experiment="${name}"]`;
      expect(await page.page.locator(area).getAttribute("data-state")).toBe("waiting");
      await page.page.locator(`form:has(label:text-is("${BUTTON_LABELS[name]}")) button`).click();
      await page.page.locator(`${area}[data-state="done"]`).waitFor({timeout: 60_000});
      await page.idle(120_000);
      const values = await page.page.$$eval(`${area} [data-stat]`, (nodes) =>
        nodes.map((n) => [(n as HTMLElement).dataset.stat, Number((n as HTMLElement).dataset.value)] as const)
      );
      expect(values.length, `${name} shows numbers`).toBeGreaterThan(0);
      for (const [key, value] of values) expect(Number.isFinite(value), `${name}: ${key} = ${value}`).toBe(true);
      expect(await page.page.locator(`${area} svg, ${area} table`).count(), `${name} draws a chart`).toBeGreaterThan(0);
    }
    // the page is cross-origin isolated in dev, so the thread experiment really split the work
    expect(await page.page.locator('[data-experiment="threads"] td:text-is("—")').count()).toBe(0);
    await page.screenshot("dev-performance-lessons-run");
    expect(await page.problems()).toEqual([]);
    await page.page.close();
  });
});

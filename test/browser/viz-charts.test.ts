// Viz in real chromium: the canvas path of large heatmaps (pixels checked against the colour scale), hover tooltips
// driven by the real mouse, and the token → heatmap highlight link. Charts are imported from the dev server
// (/src/viz/index.ts), the same modules the notebooks use.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, type Browser, type WatchedPage} from "./helpers/index.ts";

let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  browser = await launchBrowser({viewport: {width: 1000, height: 1200}});
  watched = await openPage(browser.context, `${inject("devUrl")}`);
  // a string, so vitest does not rewrite the dynamic import for Node
  await watched.page.evaluate(
    `import("/src/viz/index.ts").then((m) => { window.viz = m; document.body.innerHTML = ""; document.body.style.margin = "0"; })`
  );
});

afterAll(async () => {
  await browser?.close();
});

/** Renders `script` (which returns an element) alone on the page and returns the element's box. */
async function show(script: string): Promise<{x: number; y: number; width: number; height: number}> {
  return watched.page.evaluate((source) => {
    document.body.innerHTML = "";
    const viz = (window as any).viz;
    const el = new Function("viz", source)(viz) as Element;
    document.body.append(el);
    const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  }, script);
}

const HEATMAP = `
  const rows = 256, cols = 768;
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = c < 256 ? -3 : c < 512 ? 0 : 3;
  return viz.activationHeatmap({values, rows, cols}, {title: "256 × 768"});`;

describe("viz in chromium", () => {
  it("activationHeatmap(256 × 768) draws through canvas with the diverging colours (blue < 0, white 0, red > 0)", async () => {
    await show(HEATMAP);
    const pixels = await watched.page.evaluate(async () => {
      const image = document.querySelector(".gb-cells image")!;
      const img = new Image();
      img.src = image.getAttribute("href")!;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const at = (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data);
      return {size: [img.width, img.height], negative: at(10, 100), zero: at(300, 100), positive: at(700, 100)};
    });
    expect(pixels.size).toEqual([768, 256]);
    const [nr, , nb] = pixels.negative;
    const [pr, , pb] = pixels.positive;
    expect(nb! > 2 * nr! + 40, `negative is blue: ${pixels.negative}`).toBe(true);
    expect(pr! > 2 * pb! + 40, `positive is red: ${pixels.positive}`).toBe(true);
    expect(Math.min(...pixels.zero.slice(0, 3)), `zero is near white: ${pixels.zero}`).toBeGreaterThan(235);
    expect(await watched.problems()).toEqual([]);
  });

  it("activationHeatmap hover shows position, dimension and value in the tooltip", async () => {
    await show(HEATMAP);
    const cells = await watched.page.locator(".gb-cells image").boundingBox();
    await watched.page.mouse.move(cells!.x + cells!.width * 0.9, cells!.y + cells!.height * 0.5);
    const tip = watched.page.locator(".gb-tooltip");
    await expect.poll(() => tip.getAttribute("visibility")).toBe("visible");
    const text = await tip.locator("text").evaluate((t) => Array.from(t.children, (s) => s.textContent).join(" | "));
    expect(text).toMatch(/^position 12[78] \| dimension 69\d \| activation 3$/);
    await watched.screenshot("viz-heatmap-hover");
    await watched.page.mouse.move(1, 1);
    await expect.poll(() => tip.getAttribute("visibility")).toBe("hidden");
  });

  it("timingSteps hover on the hatched get_w part names get_w and its share", async () => {
    await show(`return viz.timingSteps({steps: [{label: "1", times: {get_w: 3, matmul: 1}}]});`);
    const part = await watched.page.locator(".gb-part-get_w rect").first().boundingBox();
    await watched.page.mouse.move(part!.x + part!.width / 2, part!.y + part!.height / 2);
    await expect.poll(() => watched.page.locator(".gb-tooltip").textContent()).toContain("get_w 3 ms (75.0%)");
  });

  it("tokenView hover highlights the same position in a linked heatmap and attention pattern", async () => {
    await watched.page.evaluate(() => {
      const viz = (window as any).viz;
      document.body.innerHTML = "";
      const text = ["<s>", " Once", " upon", " a"];
      const tokens = text.map((t, i) => ({id: i + 1, text: t}));
      const values = Float32Array.from({length: 4 * 8}, (_, i) => Math.sin(i));
      const pattern = Float32Array.from({length: 16}, (_, i) => (i % 5 === 0 ? 1 : 0));
      document.body.append(
        viz.tokenView({tokens}),
        viz.activationHeatmap({values, rows: 4, cols: 8, rowLabels: text}, {height: 300}),
        viz.attentionPattern({pattern, tokens: text}, {height: 400})
      );
    });
    await watched.page.locator('.gb-token[data-position="2"]').hover();
    const highlighted = await watched.page.evaluate(() =>
      Array.from(
        document.querySelectorAll(".gb-highlight"),
        (e) => `${e.closest(".gb-chart")!.classList[1]}:${e.textContent}`
      )
    );
    expect(highlighted).toEqual(["gb-tokens:·upon3", "gb-heatmap:·upon", "gb-attention:·upon", "gb-attention:·upon"]);
    expect(await watched.page.locator(".gb-cursor rect").count()).toBe(3);
    await watched.screenshot("viz-token-link");
    expect(await watched.problems()).toEqual([]);
  });
});

// Exports in a real browser (light theme, 2x device pixels): each file is produced through the cell's Export menu and
// checked for content. The PNG matches a screenshot of the cell pixel by pixel; the SVG parses and renders the same
// on its own; the HTML snippet shows hostile code as text and runs none of it; Arrow reads back equal, CSV and JSON
// parse; the handout opens from file:// with no request and no script. Exports are written to test/screenshots/.
import {mkdirSync, mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {pathToFileURL} from "node:url";
import {tableFromIPC} from "apache-arrow";
import {csvParse} from "d3";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {readPngText} from "../../src/studio/export/png-text.ts";
import {launchBrowser, openPage, SCREENSHOTS_DIR, type Browser, type WatchedPage} from "./helpers/index.ts";
import {
  cell,
  clearLocalNotebooks,
  download,
  editorReady,
  exportCell,
  output,
  typeIntoCell
} from "../studio/editor-page.ts";

const url = `${inject("devUrl")}notebooks/rounding.html`;
const CHART_CELL = 7;
const SWEEP_CELL = 9;
const POLL = {timeout: 20_000};
/** Pixels whose largest channel difference exceeds this count as different (anti-aliasing stays below it). */
const PIXEL_TOLERANCE = 48;
/** At most this fraction of pixels may differ between an export and the screenshot of the same cell. */
const MAX_DIFFERENT_FRACTION = 0.01;

let browser: Browser;
let page: WatchedPage;
const temp = mkdtempSync(join(tmpdir(), "glassbox-export-"));

beforeAll(async () => {
  browser = await launchBrowser({viewport: {width: 1200, height: 900}, deviceScaleFactor: 2});
  page = await openPage(browser.context, url);
  await clearLocalNotebooks(page.page);
  await page.page.reload();
  await page.idle();
  await editorReady(page.page);
  mkdirSync(SCREENSHOTS_DIR, {recursive: true});
});
afterAll(async () => {
  await browser?.close();
});

function pngSize(png: Buffer): {width: number; height: number} {
  return {width: png.readUInt32BE(16), height: png.readUInt32BE(20)};
}

/** Compares two PNGs in the browser: their sizes and the fraction of pixels that differ beyond the tolerance. */
async function comparePngs(p: Page, a: Buffer, b: Buffer): Promise<{sizes: number[][]; different: number}> {
  return p.evaluate(
    async ({a, b, tolerance}) => {
      const pixels = async (base64: string) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const canvas = document.createElement("canvas");
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        const context = canvas.getContext("2d")!;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height);
      };
      const [x, y] = [await pixels(a), await pixels(b)];
      const width = Math.min(x.width, y.width);
      // a cell at a fractional page position is rasterized one device pixel higher or lower than in the screenshot:
      // compare at the best of the vertical offsets within one CSS pixel (two device pixels at 2x)
      const differentAt = (dy: number) => {
        const height = Math.min(x.height, y.height - dy) - Math.max(0, -dy);
        let different = 0;
        for (let row = Math.max(0, -dy); row < Math.max(0, -dy) + height; row++) {
          for (let col = 0; col < width; col++) {
            const i = (row * x.width + col) * 4;
            const j = ((row + dy) * y.width + col) * 4;
            let max = 0;
            for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(x.data[i + c]! - y.data[j + c]!));
            if (max > tolerance) different++;
          }
        }
        return different / (width * height);
      };
      return {
        sizes: [
          [x.width, x.height],
          [y.width, y.height]
        ],
        different: Math.min(...[-2, -1, 0, 1, 2].map(differentAt))
      };
    },
    {a: a.toString("base64"), b: b.toString("base64"), tolerance: PIXEL_TOLERANCE}
  );
}

async function settle(p: Page): Promise<void> {
  await p.mouse.move(0, 0);
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** Opens a file:// page, recording every request it makes. */
async function openFile(path: string): Promise<{p: Page; requests: string[]; errors: string[]}> {
  const p = await browser.context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  p.on("request", (r) => requests.push(r.url()));
  p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(pathToFileURL(path).href);
  return {p, requests, errors};
}

describe("cell exports (dev)", () => {
  it("PNG at 2x matches a screenshot of the cell and carries alt text and provenance; the slide is 1920×1080", async () => {
    const p = page.page;
    await settle(p);
    const screenshot = await output(p, CHART_CELL).screenshot();
    const png = await exportCell(p, CHART_CELL, "png");
    await settle(p);
    writeFileSync(join(SCREENSHOTS_DIR, "export-cell-2x.png"), png.bytes);
    writeFileSync(join(SCREENSHOTS_DIR, "export-cell-2x-page-screenshot.png"), screenshot);
    expect(png.name).toBe(`rounding-to-a-grid-cell-${CHART_CELL}.png`);
    const box = (await output(p, CHART_CELL).boundingBox())!;
    expect(pngSize(png.bytes).width).toBe(Math.round(Math.ceil(box.width) * 2));
    const {sizes, different} = await comparePngs(p, png.bytes, screenshot);
    expect(Math.abs(sizes[0]![0]! - sizes[1]![0]!)).toBeLessThanOrEqual(2);
    expect(Math.abs(sizes[0]![1]! - sizes[1]![1]!)).toBeLessThanOrEqual(2);
    expect(different).toBeLessThan(MAX_DIFFERENT_FRACTION);
    const text = readPngText(png.bytes);
    expect(text.Description).toBe(await p.locator(`#cell-${CHART_CELL} svg[aria-label]`).getAttribute("aria-label"));
    const provenance = JSON.parse(text["glassbox:provenance"]!);
    expect(provenance).toMatchObject({
      notebook: {title: "Rounding to a grid", file: "notebooks/rounding.html"},
      cell: CHART_CELL,
      appVersion: "0.1.0"
    });

    const slide = await exportCell(p, CHART_CELL, "png-slide");
    writeFileSync(join(SCREENSHOTS_DIR, "export-cell-slide.png"), slide.bytes);
    expect(pngSize(slide.bytes)).toEqual({width: 1920, height: 1080});
    expect(readPngText(slide.bytes).Description).toBe(text.Description);
  });

  it("SVG parses, embeds its fonts, and renders on its own like the chart in the page", async () => {
    const p = page.page;
    const svg = await exportCell(p, CHART_CELL, "svg");
    const text = svg.bytes.toString("utf8");
    expect(text).toMatch(/^<\?xml/);
    expect(text).toMatch(/@font-face\{font-family:"[^"]+";src:url\(data:font\//);
    const path = join(temp, "chart.svg");
    writeFileSync(path, svg.bytes);
    writeFileSync(join(SCREENSHOTS_DIR, "export-cell.svg"), svg.bytes);
    const standalone = await openFile(path);
    const parsed = await standalone.p.evaluate(() => ({
      root: document.documentElement.localName,
      errors: document.getElementsByTagName("parsererror").length,
      title: document.querySelector("title")?.textContent,
      provenance: JSON.parse(document.getElementById("glassbox-provenance")!.textContent!)
    }));
    expect(parsed).toMatchObject({root: "svg", errors: 0, provenance: {cell: CHART_CELL}});
    expect(parsed.title).toMatch(/rounding/);
    const alone = await standalone.p.locator("svg").screenshot();
    writeFileSync(join(SCREENSHOTS_DIR, "export-cell-svg-standalone.png"), alone);
    await settle(p);
    const inPage = await p.locator(`#cell-${CHART_CELL} svg[aria-label]`).screenshot();
    const {sizes, different} = await comparePngs(p, alone, inPage);
    expect(Math.abs(sizes[0]![0]! - sizes[1]![0]!)).toBeLessThanOrEqual(2);
    expect(Math.abs(sizes[0]![1]! - sizes[1]![1]!)).toBeLessThanOrEqual(2);
    expect(different).toBeLessThan(MAX_DIFFERENT_FRACTION);
    expect(standalone.requests.filter((r) => !r.startsWith("file:") && !r.startsWith("data:"))).toEqual([]);
    expect(standalone.errors).toEqual([]);
    await standalone.p.close();
  });

  it("the HTML snippet of a cell whose code holds </script><script>window.x=1</script> shows that text and runs nothing", async () => {
    const p = page.page;
    await cell(p, CHART_CELL).locator("[data-action=add]").click();
    const id = await p.evaluate(() =>
      Math.max(...(window as any).glassboxSession.notebook.cells.map((c: any) => c.id))
    );
    const hostile = 'const payload = "</script><script>window.x=1</script>";\ndisplay(payload);';
    await typeIntoCell(p, id, hostile);
    await expect.poll(() => output(p, id).textContent(), POLL).toContain("window.x=1");
    const html = await exportCell(p, id, "html");
    const path = join(temp, "snippet.html");
    writeFileSync(path, html.bytes);
    expect(html.bytes.toString("utf8")).not.toMatch(/<script/i);
    const snippet = await openFile(path);
    expect(await snippet.p.evaluate(() => (window as any).x)).toBeUndefined();
    expect(await snippet.p.locator("pre code").textContent()).toBe(hostile);
    expect(await snippet.p.locator("figure").textContent()).toContain('"</script><script>window.x=1</script>"');
    expect(await snippet.p.locator("figcaption").textContent()).toContain("glassbox 0.1.0");
    await snippet.p.screenshot({path: join(SCREENSHOTS_DIR, "export-cell-snippet.png")});
    expect(snippet.requests.filter((r) => !r.startsWith("file:"))).toEqual([]);
    expect(snippet.errors).toEqual([]);
    await snippet.p.close();

    const markdown = (await exportCell(p, id, "markdown")).bytes.toString("utf8");
    expect(markdown).toContain("```js\n" + hostile + "\n```");
    expect(markdown).toMatch(/!\[[^\]]+\]\(data:image\/png;base64,[A-Za-z0-9+/=]+\)/);
    expect(markdown).toMatch(/^<!-- glassbox provenance: \{.*\} -->/);
  });

  it("data: Arrow reads back equal, CSV and JSON parse, for a table, records and a typed array", async () => {
    const p = page.page;
    const expected = await p.evaluate(
      (id) =>
        (window as any).glassboxSession.views
          .get(id)
          .state.variables[1]._value.toArray()
          .map((r: any) => r.toJSON()),
      SWEEP_CELL
    );
    expect(expected).toHaveLength(7);
    const arrow = tableFromIPC((await exportCell(p, SWEEP_CELL, "arrow")).bytes);
    expect(arrow.toArray().map((r) => r.toJSON())).toEqual(expected);
    expect(JSON.parse(arrow.schema.metadata.get("glassbox.provenance")!)).toMatchObject({cell: SWEEP_CELL});
    const csv = csvParse((await exportCell(p, SWEEP_CELL, "csv")).bytes.toString("utf8"));
    expect(csv.columns).toEqual(["bits", "rmse", "maxAbsError"]);
    expect(csv.map((r) => [Number(r.bits), Number(r.rmse), Number(r.maxAbsError)])).toEqual(
      expected.map((r: any) => [r.bits, r.rmse, r.maxAbsError])
    );
    const json = JSON.parse((await exportCell(p, SWEEP_CELL, "json")).bytes.toString("utf8"));
    expect(json.rows).toEqual(expected);
    expect(json.provenance).toMatchObject({cell: SWEEP_CELL, notebook: {file: "notebooks/rounding.html"}});

    await cell(p, SWEEP_CELL).locator("[data-action=add]").click();
    const id = await p.evaluate(() =>
      Math.max(...(window as any).glassboxSession.notebook.cells.map((c: any) => c.id))
    );
    await typeIntoCell(
      p,
      id,
      'const records = [{name: "a", v: 1.5}, {name: "b", v: -2}];\nconst samples = Float32Array.of(0.5, -1.25, 3);'
    );
    await expect.poll(() => cell(p, id).locator(".gb-export summary").isVisible(), POLL).toBe(true);
    await p.waitForFunction((i) => (window as any).glassboxSession.views.get(i).state.variables.length === 3, id);
    const records = JSON.parse((await exportCell(p, id, "json")).bytes.toString("utf8"));
    expect(records.rows).toEqual([
      {name: "a", v: 1.5},
      {name: "b", v: -2}
    ]);
    const recordsCsv = csvParse((await exportCell(p, id, "csv")).bytes.toString("utf8"));
    expect(recordsCsv.map((r) => ({...r}))).toEqual([
      {name: "a", v: "1.5"},
      {name: "b", v: "-2"}
    ]);
    // The first tabular output is the records; a typed array alone is exported as one "value" column.
    await typeIntoCell(p, id, "Float32Array.of(0.5, -1.25, 3)");
    await p.waitForFunction(
      (i) => (window as any).glassboxSession.views.get(i).state.variables[0]._value instanceof Float32Array,
      id
    );
    const samples = tableFromIPC((await exportCell(p, id, "arrow")).bytes);
    expect([...samples.getChild("value")!.toArray()]).toEqual([0.5, -1.25, 3]);
    // A cell whose value is not tabular offers no data export, and says why.
    const csvButton = cell(p, 1).locator('[data-export="csv"]');
    await cell(p, 1).locator(".gb-export summary").click();
    expect(await csvButton.isDisabled()).toBe(true);
    expect(await csvButton.getAttribute("title")).toContain("not a table");
    await cell(p, 1).locator(".gb-export summary").click();
  });

  it("the handout is one static HTML file that opens from file:// with no request and no script", async () => {
    const p = page.page;
    await p.locator(".gb-editbar [data-action=handout]").click();
    const dialog = p.locator("dialog.gb-handout");
    for (const box of await dialog.locator('input[name="cell"]').all()) {
      const keep = ["1", "2", String(CHART_CELL), "10"].includes((await box.getAttribute("value"))!);
      await box.setChecked(keep);
    }
    const file = await download(p, () => dialog.locator("[data-action=write-handout]").click());
    expect(file.name).toBe("rounding-to-a-grid-handout.html");
    const path = join(temp, file.name);
    writeFileSync(path, file.bytes);
    const handout = await openFile(path);
    const h = handout.p;
    expect(await h.evaluate(() => document.scripts.length)).toBe(0);
    expect(await h.locator("figure").count()).toBe(4);
    expect(await h.locator("header h1").textContent()).toBe("Rounding to a grid");
    expect(await h.locator(`figure[data-cell="${CHART_CELL}"] svg path`).count()).toBeGreaterThan(1);
    expect(await h.locator(`figure[data-cell="${CHART_CELL}"] pre code`).textContent()).toContain(
      "roundToGrid(wave, bits, groupSize)"
    );
    expect(await h.locator('figure[data-cell="10"] table tr').count()).toBeGreaterThan(7);
    expect(await h.locator('figure[data-cell="1"] pre').count()).toBe(0); // Markdown shows its text, not its source
    expect(handout.requests.filter((r) => !r.startsWith("file:") && !r.startsWith("data:"))).toEqual([]);
    expect(handout.errors).toEqual([]);
    await h.screenshot({path: join(SCREENSHOTS_DIR, "export-handout.png"), fullPage: true});
    const pdf = await h.pdf({format: "A4"});
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await h.close();
    expect(await page.problems()).toEqual([]);
  });
});

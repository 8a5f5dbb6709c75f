// Every kind of Observable Input the notebooks use, driven the way a user drives it, in dev and in the built site: the
// dependent cell must change (to what, where that is cheap to know) and the page must stay clean (no console error,
// CSP violation, request leaving localhost or cell error). The kinds come from the notebooks themselves (`Inputs.<kind>(`
// in their cells, and in the helper modules they import, plus the `<input type="file">` those helpers render), so a
// new kind fails this file until it gets a driver, and a driver whose kind no longer appears fails too. Issue 15:
// Chromium 156 reported a CSP violation for each `onclick=::N` placeholder htl wrote into markup; a quiet console alone
// does not show that the controls still work, so each driver checks both.
import {readFileSync, readdirSync} from "node:fs";
import {dirname, join, relative, resolve} from "node:path";
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {listNotebooks} from "../../src/studio/vite/notebooks.node.ts";
import {describeWithFixtures, fixturePath} from "../helpers/fixtures.ts";
import {launchBrowser, openPage, PROJECT_ROOT, type Browser, type WatchedPage} from "./helpers/index.ts";

/** Model runs and training on 2 busy cores: generous, and never a measure of speed. */
const IDLE_TIMEOUT = 180_000;

/** Drops block and line comments, so a usage example in a doc comment is not a control (`://` is kept). */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");

/** The helper modules a notebook cell imports from the project: every module of each imported folder. */
function helperModules(sources: string[]): string[] {
  const folders = new Set<string>();
  for (const source of sources)
    for (const [, specifier] of source.matchAll(/\bfrom\s+["'](\.\.?\/[^"']+)["']/g))
      folders.add(dirname(resolve(PROJECT_ROOT, "notebooks", specifier!)));
  return [...folders].flatMap((folder) =>
    readdirSync(folder)
      .filter((f) => f.endsWith(".ts") && !/\.(node|gen|test)\.ts$/.test(f))
      .map((f) => join(folder, f))
  );
}

/** The kinds of control in `source`: `Inputs.<kind>(` calls, and `file` for a rendered `<input type="file">`. */
function controlKinds(source: string): string[] {
  const code = withoutComments(source);
  const kinds = [...code.matchAll(/\bInputs\.(\w+)\(/g)].map((m) => m[1]!);
  if (/<input\b[^>]*\btype=["']?file\b/.test(code)) kinds.push("file");
  return kinds;
}

/** kind -> the notebooks that use it (directly or through a helper they import), from the files on disk. */
function kindsInNotebooks(): Map<string, Set<string>> {
  const kinds = new Map<string, Set<string>>();
  for (const notebook of listNotebooks(PROJECT_ROOT)) {
    const helpers = helperModules(notebook.sources).map((path) => readFileSync(path, "utf8"));
    for (const source of [...notebook.sources, ...helpers])
      for (const kind of controlKinds(source)) {
        if (!kinds.has(kind)) kinds.set(kind, new Set());
        kinds.get(kind)!.add(`${notebook.name}.html`);
      }
  }
  return kinds;
}

// -- Locating and reading controls -------------------------------------------------------------------------------

/** The Observable Input whose label is exactly `label` (the `nth` one when several share it). */
function inputForm(page: Page, label: string, nth = 0): Locator {
  return page.locator(`form:has(label:text-is("${label}"))`).nth(nth);
}

/** The quantization spec the quantization-error notebook shows. */
const specText = (page: Page) => page.locator(".gb-spec code").textContent();

/** The number a stat shows, from its data-value. */
async function stat(page: Page, key: string): Promise<number> {
  return Number(await page.locator(`[data-stat="${key}"]`).first().getAttribute("data-value"));
}

/** The id column of the top-tokens table, in the order shown. */
async function shownIds(table: Locator): Promise<number[]> {
  const column = await table
    .locator("thead th")
    .evaluateAll((ths) => ths.findIndex((th) => th.getAttribute("title") === "id"));
  return (await table.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents()).map(Number);
}

const ascending = (xs: number[]) => [...xs].sort((a, b) => a - b);

type FileSpec = {name: string; mimeType: string; buffer: Buffer};
const fixtureFile = (name: string): FileSpec => ({
  name,
  mimeType: "application/octet-stream",
  buffer: readFileSync(fixturePath("llama2c", name))
});

// -- One driver per kind -----------------------------------------------------------------------------------------

interface Driver {
  kind: string;
  /** the control, by its label, and the dependent the driver checks */
  what: string;
  /** drives the control as a user would and asserts that the dependent changed; the page is idle before and after */
  drive: (page: WatchedPage) => Promise<void>;
}

interface NotebookDrivers {
  notebook: string;
  /** a deep link that makes the drivers' starting state explicit */
  query: string;
  /** ../shared fixtures folder the drivers read, if any */
  fixtures?: string;
  /** run in this order on one page */
  drivers: Driver[];
}

const NOTEBOOKS: NotebookDrivers[] = [
  {
    // format=int: the bits, rounding and group inputs only reach the spec for the textbook int grid
    notebook: "quantization-error.html",
    query: "?format=int",
    drivers: [
      {
        kind: "range",
        what: "arrow key on the 'int: bits' slider: the spec and the bits per weight",
        drive: async ({page}) => {
          expect(await specText(page)).toBe("int4:g32:sym");
          const bpw = await stat(page, "bpw");
          await inputForm(page, "int: bits").locator("input[type=range]").press("ArrowRight");
          await page.locator('.gb-spec code:text-is("int5:g32:sym")').waitFor();
          expect(await inputForm(page, "int: bits").locator("input[type=number]").inputValue()).toBe("5");
          await statChange(page, "bpw", bpw);
          expect(await stat(page, "bpw")).toBeCloseTo(bpw + 1, 5); // one more bit, the same scale per 32 weights
        }
      },
      {
        kind: "radio",
        what: "check 'asym' of 'int: rounding': the spec",
        drive: async ({page}) => {
          await inputForm(page, "int: rounding").getByLabel("asym", {exact: true}).check();
          await page.locator('.gb-spec code:text-is("int5:g32:asym")').waitFor();
        }
      },
      {
        kind: "text",
        what: "type into 'overrides': the spec",
        drive: async ({page}) => {
          await inputForm(page, "overrides").locator("input").fill("emb=q8_0");
          // shown in GGUF's name: emb is llama2.c's alias of token_embd
          await page.locator('.gb-spec code:text-is("int5:g32:asym,token_embd=q8_0")').waitFor();
        }
      },
      {
        kind: "textarea",
        what: "type into 'evaluation text': the number of tokens scored",
        drive: async ({page}) => {
          const before = await stat(page, "tokens");
          await inputForm(page, "evaluation text").locator("textarea").fill("Once upon a time, there was a dog.");
          await statChange(page, "tokens", before);
          expect(await stat(page, "tokens")).toBeLessThan(before);
        }
      },
      {
        kind: "toggle",
        what: "click 'log counts': the histograms' count axis turns logarithmic",
        drive: async ({page}) => {
          const logAxes = page.locator("svg text", {hasText: /^count \(log\)$/});
          expect(await logAxes.count()).toBe(0);
          await inputForm(page, "log counts").locator("input[type=checkbox]").click();
          await logAxes.first().waitFor();
        }
      },
      {
        kind: "select",
        what: "pick q8_0 in 'format': the spec, and the weight SQNR rises",
        drive: async ({page}) => {
          const sqnr = await stat(page, "sqnr");
          await inputForm(page, "format").locator("select").selectOption({label: "q8_0"});
          await page.locator('.gb-spec code:text-is("q8_0,token_embd=q8_0")').waitFor();
          await statChange(page, "sqnr", sqnr);
          expect(await stat(page, "sqnr")).toBeGreaterThan(sqnr);
        }
      }
    ]
  },
  {
    notebook: "performance-lessons.html",
    query: "",
    drivers: [
      {
        kind: "button",
        what: "click 'sigmoid variants': its experiment runs and shows finite numbers",
        drive: async ({page}) => {
          const area = page.locator('[data-experiment="sigmoid"]');
          expect(await area.getAttribute("data-state")).toBe("waiting");
          await inputForm(page, "sigmoid variants").locator("button").click();
          await page.locator('[data-experiment="sigmoid"][data-state="done"]').waitFor({timeout: IDLE_TIMEOUT});
          const values = await area
            .locator("[data-stat]")
            .evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.value)));
          expect(values.length).toBeGreaterThan(0);
          for (const value of values) expect(Number.isFinite(value)).toBe(true);
        }
      }
    ]
  },
  {
    notebook: "bring-your-own-model.html",
    query: "",
    fixtures: "llama2c",
    drivers: [
      {
        kind: "file",
        what: "pick stories260K.bin and tok512.bin in 'checkpoint' and 'tokenizer', press Load: the shape table",
        drive: async ({page}) => {
          const config = page.locator("table.gb-config");
          expect(await config.getAttribute("data-model")).toBe("built-in");
          const before = await config.textContent();
          await page.getByLabel("checkpoint", {exact: true}).setInputFiles(fixtureFile("stories260K.bin"));
          await page.getByLabel("tokenizer", {exact: true}).setInputFiles(fixtureFile("tok512.bin"));
          await page.getByRole("button", {name: "Load", exact: true}).click();
          await page.locator('table.gb-config[data-model="stories260K"]').waitFor({timeout: IDLE_TIMEOUT});
          const after = await config.textContent();
          expect(after).not.toBe(before);
          // stories260K: dim 64, hidden 172, 5 layers, vocab 512 (../shared/fixtures/llama2c/README.md)
          for (const row of ["dim64", "hidden_dim172", "n_layers5", "vocab_size512"]) expect(after).toContain(row);
        }
      },
      {
        kind: "table",
        what: "click the top-tokens table's 'id' header twice, then a row's checkbox: the rows re-sort, the value narrows",
        drive: async ({page}) => {
          const form = page.locator("form:has(th[title=probability])");
          const table = form.locator("table");
          const ids = await shownIds(table);
          expect(ids.length).toBeGreaterThan(1);
          const header = table.locator('thead th[title="id"]');
          await header.click();
          expect(await shownIds(table)).toEqual(ascending(ids));
          expect(await header.textContent()).toBe("▴id");
          await header.click();
          expect(await shownIds(table)).toEqual(ascending(ids).reverse());
          expect(await header.textContent()).toBe("▾id");
          // nothing selected means every row; one checked row makes the value that row alone
          const value = () =>
            form.evaluate((f) => ((f as HTMLFormElement & {value: {id: number}[]}).value ?? []).map((r) => r.id));
          expect(await value()).toEqual(ascending(ids).reverse());
          await table.locator("tbody tr").first().locator("input[type=checkbox]").check();
          expect(await value()).toEqual([Math.max(...ids)]);
        }
      }
    ]
  },
  {
    notebook: "inside-the-glass-box.html",
    query: "",
    drivers: [
      {
        kind: "bind",
        what: "arrow key on the bound copy of 'layer' below the attention heads: the original and its attention chart",
        drive: async ({page}) => {
          expect(await page.locator(`form:has(label:text-is("layer"))`).count()).toBe(2); // the original, its copy
          const [original, copy] = [inputForm(page, "layer", 0), inputForm(page, "layer", 1)];
          const heads = page.locator("svg[data-layer]");
          expect(await heads.getAttribute("data-layer")).toBe("0");
          const before = await heads.innerHTML();
          await copy.locator("input[type=range]").press("ArrowRight");
          await page.locator('svg[data-layer="1"]').waitFor();
          expect(await original.locator("input[type=number]").inputValue()).toBe("1");
          expect(await heads.innerHTML()).not.toBe(before);
          expect(new URL(page.url()).searchParams.get("layer")).toBe("1");
        }
      }
    ]
  },
  {
    // the smallest model and run the inputs allow: seconds of training
    notebook: "training.html",
    query: "?steps=10&dim=16&layers=1",
    drivers: [
      {
        kind: "number",
        what: "type 2 into 'seed': the finished run starts over, and training again ends at another loss",
        drive: async (watched) => {
          const {page} = watched;
          const run = page.locator('.gb-train-control[data-run="train"]');
          const trainToEnd = async () => {
            await run.locator("button").click();
            await run.and(page.locator('[data-state="done"]')).waitFor({timeout: IDLE_TIMEOUT});
            await watched.idle(IDLE_TIMEOUT);
            expect(await stat(page, "step")).toBe(10);
            return stat(page, "val-loss");
          };
          const seed1 = await trainToEnd();
          await inputForm(page, "seed").locator("input[type=number]").fill("2");
          await run.and(page.locator('[data-state="ready"]')).waitFor();
          await watched.idle(IDLE_TIMEOUT);
          expect(await stat(page, "step")).toBe(0);
          expect(new URL(page.url()).searchParams.get("seed")).toBe("2");
          const seed2 = await trainToEnd();
          expect(Number.isFinite(seed1) && Number.isFinite(seed2)).toBe(true);
          expect(seed2).not.toBe(seed1); // other initial weights and batches
        }
      }
    ]
  }
];

/** Waits until the stat `key` shows another value than `before` (its cell recomputes after the input's cell). */
async function statChange(page: Page, key: string, before: number): Promise<void> {
  await page.waitForFunction(
    ([key, before]) => Number(document.querySelector(`[data-stat="${key}"]`)?.getAttribute("data-value")) !== before,
    [key, before] as const,
    {timeout: IDLE_TIMEOUT}
  );
}

// -- The tests ---------------------------------------------------------------------------------------------------

describe("the drivers cover the notebooks' controls", () => {
  const used = kindsInNotebooks();
  const drivers = NOTEBOOKS.flatMap((n) => n.drivers.map((d) => ({...d, notebook: n.notebook})));

  it("finds the notebooks' controls (the scan itself works)", () => {
    // a known use of each source of kinds: a cell's Inputs call and a helper's file input
    expect(used.get("select")).toContain("quantization-error.html");
    expect(used.get("file")).toContain("bring-your-own-model.html");
  });

  it("every kind the notebooks use has a driver", () => {
    const missing = [...used.keys()].filter((kind) => !drivers.some((d) => d.kind === kind)).sort();
    const where = missing.map((kind) => `${kind} (in ${[...used.get(kind)!].sort().join(", ")})`);
    expect(where, `these kinds of input need a driver in ${relative(PROJECT_ROOT, import.meta.filename)}`).toEqual([]);
  });

  it("every driver's kind is still used, by the notebook it drives, and has one driver only", () => {
    for (const driver of drivers) {
      expect(used.get(driver.kind), `no notebook uses ${driver.kind}: drop its driver`).toBeDefined();
      expect([...used.get(driver.kind)!], `${driver.notebook} no longer uses ${driver.kind}`).toContain(
        driver.notebook
      );
    }
    const kinds = drivers.map((d) => d.kind);
    expect(
      kinds.filter((kind, i) => kinds.indexOf(kind) !== i),
      "kinds with two drivers"
    ).toEqual([]);
  });
});

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const modes = [
  ["dev", inject("devUrl")],
  ["site", inject("siteUrl")]
] as const;

/** The entries of `after` that `before` did not have (each counted once): what went wrong while a driver ran. */
function newProblems(before: string[], after: string[]): string[] {
  const left = [...before];
  return after.filter((problem) => {
    const i = left.indexOf(problem);
    if (i >= 0) left.splice(i, 1);
    return i < 0;
  });
}

describe.each(modes)("controls (%s)", (mode, baseUrl) => {
  for (const {notebook, query, fixtures, drivers} of NOTEBOOKS) {
    const body = () => {
      let page: WatchedPage;
      beforeAll(async () => {
        page = await openPage(browser.context, `${baseUrl}notebooks/${notebook}${query}`);
        await page.idle(IDLE_TIMEOUT);
      });
      afterAll(async () => {
        if (!page) return;
        await page.screenshot(`${mode}-controls-${notebook.replace(/\.html$/, "")}`); // for review
        await page.page.close();
      });
      it("opens clean", async () => {
        expect(await page.problems()).toEqual([]);
      });
      for (const driver of drivers)
        it(`${driver.kind}: ${driver.what}`, async () => {
          const before = await page.problems();
          await driver.drive(page);
          await page.idle(IDLE_TIMEOUT);
          expect(newProblems(before, await page.problems()), "problems while driving it").toEqual([]);
        });
    };
    if (fixtures) describeWithFixtures(fixtures, notebook, body);
    else describe(notebook, body);
  }
});

// Node-only: runs the viz bundle in headless Debian chromium (playwright-core) for screenshots and the heatmap
// benchmark. The bundle is built from src/viz/index.ts with vite (IIFE, global `glassboxViz`), so the page loads
// nothing from the network.
import {fileURLToPath} from "node:url";
import {chromium, type Browser, type Page} from "playwright-core";
import {build} from "vite";
import {CHROMIUM_FLAGS, CHROMIUM_PATH} from "./chromium.node.ts";

let bundle: Promise<string> | undefined;

/** The IIFE source of src/viz (built once per process). */
export function vizBundle(): Promise<string> {
  bundle ??= (async () => {
    const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
    const out = await build({
      configFile: false,
      logLevel: "silent",
      build: {write: false, minify: false, lib: {entry, formats: ["iife"], name: "glassboxViz"}}
    });
    const outputs = Array.isArray(out) ? out : [out];
    for (const o of outputs) {
      if ("output" in o) return o.output.find((chunk) => chunk.type === "chunk")!.code;
    }
    throw new Error("vite build produced no chunk for src/viz/index.ts");
  })();
  return bundle;
}

/** Opens a blank page with `window.glassboxViz` loaded, runs `fn`, and always closes the browser. */
export async function withVizPage<T>(
  fn: (page: Page) => Promise<T>,
  viewport = {width: 960, height: 540, deviceScaleFactor: 2}
): Promise<T> {
  const code = await vizBundle();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS});
    const page = await browser.newPage({viewport: {width: viewport.width, height: viewport.height}, ...viewport});
    await page.setContent("<!doctype html><html><body style='margin:0'></body></html>");
    await page.addScriptTag({content: code});
    return await fn(page);
  } finally {
    await browser?.close();
  }
}

// src/data in real Chromium: the module is bundled by Vite for the browser (as the studio bundles it) and run in a
// blank page, with the browser's own Blob, File, Response, ReadableStream and TextDecoder. What the studio's data
// export and a notebook's file picker / FileAttachment go through.
import {existsSync} from "node:fs";
import {build} from "vite";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {CHROMIUM, launchBrowser, type Browser} from "../browser/helpers/browser.ts";
import {activationsToTable, toIPC} from "../../src/data/index.ts";
import {SAMPLE_RUN, sampleTrace} from "./sample-trace.ts";

async function bundleData(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: "silent",
    build: {write: false, minify: false, lib: {entry: "src/data/index.ts", formats: ["es"], fileName: "data"}}
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => ("output" in o ? o.output : [])).find((c) => c.type === "chunk");
  if (!chunk || chunk.type !== "chunk") throw new Error("vite produced no chunk for src/data/index.ts");
  return chunk.code;
}

describe.runIf(existsSync(CHROMIUM) || process.env.CI === "true")("src/data in Chromium", () => {
  let browser: Browser;
  let code: string;
  beforeAll(async () => {
    [code, browser] = await Promise.all([bundleData(), launchBrowser()]);
  });
  afterAll(() => browser?.close());

  it("the browser bundle of src/data has no node: import", () => {
    expect(code).not.toMatch(/from\s*["']node:/);
  });

  it("readArrow(File | Blob | Response(ReadableStream)) in Chromium reads what Node wrote, and names bad files", async () => {
    const page = await browser.context.newPage();
    const trace = sampleTrace();
    const expected = activationsToTable(trace, SAMPLE_RUN);
    const nodeBytes = Array.from(toIPC(expected));
    // typed arrays do not cross page.evaluate: plain arrays (with their -Infinity) do
    const plainTrace = {...trace, activations: trace.activations.map((a) => ({...a, data: [...a.data]}))};
    // a string, so vitest's transform of import() does not reach the page
    await page.evaluate(`(async () => {
      const url = URL.createObjectURL(new Blob([${JSON.stringify(code)}], {type: "text/javascript"}));
      window.glassboxData = await import(url);
    })()`);
    const result = await page.evaluate(
      async ({nodeBytes, trace, run}) => {
        const data = (window as any).glassboxData;
        const activations = trace.activations.map((a: any) => ({...a, data: Float32Array.from(a.data)}));
        const table = data.activationsToTable({...trace, activations}, run);
        const rows = (t: any) => t.toArray().map((r: any) => JSON.stringify(r));
        const picked = new File([data.ipcBlob(table)], "trace.arrow"); // as from <input type=file>
        const fromFile = await data.readArrow(picked, {expect: "activations"});
        const streamed = new Response(data.ipcReadableStream(table, "stream"));
        const fromStream = await data.readArrow(streamed, {expect: "activations"});
        const fromNode = data.readArrowBytes(new Uint8Array(nodeBytes));
        const bytes = new Uint8Array(await picked.arrayBuffer());
        const failures = [];
        for (const bad of [bytes.subarray(0, bytes.length - 3), new TextEncoder().encode("<html>404</html>")]) {
          try {
            await data.readArrow(new File([bad], "bad.arrow"));
          } catch (e: any) {
            failures.push(`${e.name} ${e.code}: ${e.message.slice(0, 60)}`);
          }
        }
        return {
          same: rows(fromFile).join() === rows(table).join() && rows(fromStream).join() === rows(table).join(),
          sameAsNode: rows(fromNode).join() === rows(table).join(),
          numRows: table.numRows,
          type: picked.type || data.ipcBlob(table).type,
          model: JSON.parse(fromFile.schema.metadata.get("glassbox.model")).name,
          failures
        };
      },
      {nodeBytes, trace: plainTrace, run: SAMPLE_RUN}
    );
    await page.close();
    expect(result).toMatchObject({
      same: true,
      sameAsNode: true,
      numRows: expected.numRows,
      type: "application/vnd.apache.arrow.file",
      model: "sample-2l.bin"
    });
    expect(result.failures).toHaveLength(2);
    expect(result.failures[0]).toMatch(/^ArrowDataError truncated: bad\.arrow: truncated Arrow file: \d+ bytes/);
    expect(result.failures[1]).toMatch(/^ArrowDataError not-arrow: bad\.arrow: not an Arrow IPC file/);
  });
});

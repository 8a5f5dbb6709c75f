// Benchmark, not a pass/fail on speed: input -> chart update time in the built site, reported on the console and
// written to bench/out/studio-latency.json. The target on the default model is 300 ms.
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {
  launchBrowser,
  measureInputLatency,
  openPage,
  PROJECT_ROOT,
  type Browser,
  type LatencySpec
} from "./helpers/index.ts";

const RUNS = 12;

const BENCHMARKS: {notebook: string; spec: LatencySpec}[] = [
  {
    notebook: "next-token",
    spec: {
      label: "quantization",
      values: Array.from({length: RUNS}, (_, i) => (i % 2 ? "q4_0" : "q8_0")),
      ready: 'svg[data-quant="{value}"]'
    }
  },
  {
    notebook: "rounding",
    spec: {
      label: "bits",
      values: Array.from({length: RUNS}, (_, i) => (i % 2 ? 4 : 3)),
      ready: 'svg[data-bits="{value}"]'
    }
  }
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("input -> chart latency (built site)", () => {
  const results: Record<string, unknown> = {};
  afterAll(() => {
    const dir = join(PROJECT_ROOT, "bench/out");
    mkdirSync(dir, {recursive: true});
    writeFileSync(join(dir, "studio-latency.json"), JSON.stringify(results, null, 2) + "\n");
  });

  it.each(BENCHMARKS.map((b) => [b.notebook, b] as const))(
    "%s: moving an input until its chart shows it",
    async (name, {spec}) => {
      const page = await openPage(browser.context, `${inject("siteUrl")}notebooks/${name}.html`);
      await page.idle();
      const report = await measureInputLatency(page.page, spec);
      await page.idle();
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      console.log(
        `${name} (${spec.label}): median ${ms(report.median)}, p95 ${ms(report.p95)}, max ${ms(report.max)} over ${report.samples.length}`
      );
      results[name] = {input: spec.label, ...report};
      expect(report.samples).toHaveLength(spec.values.length);
      expect(await page.problems()).toEqual([]);
      await page.page.close();
    }
  );
});

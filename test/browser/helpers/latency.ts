// Input -> chart latency, measured inside the page (no round trip to the test process in the timed span): set an
// Observable input's value as a user's move would, fire "input", and time until `ready(value)` matches in the DOM
// and the next frame is painted.
import type {Page} from "playwright-core";

export interface LatencySpec {
  /** the input's label text */
  label: string;
  /** values to set in turn (each must differ from the previous one) */
  values: (string | number | boolean)[];
  /** a CSS selector, with `{value}` replaced by the value set, that matches once the dependent chart shows it */
  ready: string;
  timeoutMs?: number;
}

export interface LatencyReport {
  samples: number[];
  median: number;
  p95: number;
  max: number;
}

export async function measureInputLatency(page: Page, spec: LatencySpec): Promise<LatencyReport> {
  const samples = await page.evaluate(
    async ({label, values, ready, timeoutMs}) => {
      const form = [...document.querySelectorAll("form")].find(
        (f) => f.querySelector("label")?.textContent?.trim() === label
      );
      if (!form) throw new Error(`no input labelled ${label}`);
      const input = form as HTMLFormElement & {value: unknown};
      const frame = () => new Promise((done) => requestAnimationFrame(done));
      const times: number[] = [];
      for (const value of values) {
        const selector = ready.replaceAll("{value}", String(value));
        const start = performance.now();
        input.value = value;
        input.dispatchEvent(new Event("input", {bubbles: true}));
        while (!document.querySelector(selector)) {
          if (performance.now() - start > timeoutMs)
            throw new Error(`${selector} did not appear within ${timeoutMs} ms`);
          await frame();
        }
        await frame();
        times.push(performance.now() - start);
      }
      return times;
    },
    {...spec, timeoutMs: spec.timeoutMs ?? 10_000}
  );
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {samples, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]!};
}

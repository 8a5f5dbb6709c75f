// The same kernel module in headless Chromium (what the studio runs): it compiles there, its matvec and softmax give
// the reference numbers, and a page that is not cross-origin isolated has no shared memory, so the kernels run on
// one thread there (createWasmKernels refuses threads without a shared arena, tested in threads.test.ts).
import {chromium, type Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {referenceKernels as ref} from "../../src/engine/backend.ts";
import {KERNELS_WASM_PLAIN} from "../../src/kernels/kernels-wasm.gen.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {fillLcg} from "./data.ts";
import {DOT_TOL, ELEMENTWISE_TOL} from "./tolerances.ts";
import {CHROMIUM_FLAGS, CHROMIUM_PATH} from "../../src/viz/chromium.node.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS});
});
afterAll(() => browser?.close());

describe("the wasm kernels in Chromium", () => {
  it("matvec(out, x, w, 288, 64) and softmax(out, x, 100) in a page match the reference; no shared memory there", async () => {
    const [n, d, m] = [288, 64, 100];
    const x = fillLcg(new Float32Array(n), 1);
    const w = fillLcg(new Float32Array(n * d), 2);
    const s = fillLcg(new Float32Array(m), 3, 10);
    const page = await browser.newPage();
    const got = await page.evaluate(
      async ({b64, x, w, s, n, d, m}) => {
        const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
        const memory = new WebAssembly.Memory({initial: 4});
        const {instance} = await WebAssembly.instantiate(bytes, {env: {memory}});
        const ex = instance.exports as Record<string, (...a: number[]) => void>;
        const f = new Float32Array(memory.buffer);
        const [px, pw, po, ps] = [65536, 65536 + 4 * n, 65536 + 4 * n * (d + 1), 65536 + 4 * (n * (d + 1) + d)];
        f.set(x, px / 4);
        f.set(w, pw / 4);
        f.set(s, ps / 4);
        ex.matvec!(0, d, po, px, pw, n);
        ex.softmax!(ps, ps, m);
        return {
          matvec: Array.from(f.subarray(po / 4, po / 4 + d)),
          softmax: Array.from(f.subarray(ps / 4, ps / 4 + m)),
          isolated: crossOriginIsolated,
          shared: typeof SharedArrayBuffer !== "undefined"
        };
      },
      {b64: KERNELS_WASM_PLAIN, x: Array.from(x), w: Array.from(w), s: Array.from(s), n, d, m}
    );
    const expected = new Float32Array(d);
    ref.matvec(expected, x, w, n, d);
    expectClose(got.matvec, expected, DOT_TOL, "matvec in chromium");
    const soft = new Float32Array(m);
    ref.softmax(soft, s, m);
    expectClose(got.softmax, soft, ELEMENTWISE_TOL, "softmax in chromium");
    expect(got.isolated).toBe(false);
    expect(got.shared).toBe(false);
    await page.close();
  });
});

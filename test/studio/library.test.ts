// @vitest-environment jsdom
// The `width` builtin never hands a cell 0: notebook-kit's reports the ResizeObserver's 0 of a <main> that is not laid
// out yet, and every chart then refused "invalid width: 0" (seen in the browser suite under load).
import {afterEach, describe, expect, it, vi} from "vitest";

type Callback = (entries: {contentRect: {width: number}}[]) => void;
let observers: Callback[] = [];
class FakeResizeObserver {
  constructor(private readonly callback: Callback) {}
  observe() {
    observers.push(this.callback);
  }
  disconnect() {
    observers = observers.filter((c) => c !== this.callback);
  }
}

afterEach(() => {
  observers = [];
  vi.unstubAllGlobals();
});

describe("offlineLibrary.width", () => {
  it("skips widths of 0 and yields the first real width, then changes", async () => {
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
    const {offlineLibrary} = await import("../../src/studio/library.ts");
    const widths = offlineLibrary.width!() as AsyncIterableIterator<number>;
    const first = widths.next();
    expect(observers).toHaveLength(1);
    const resize = (width: number) => observers[0]!([{contentRect: {width}}]);
    resize(0);
    resize(640);
    expect((await first).value).toBe(640);
    resize(640); // unchanged: no new value
    resize(0); // collapsed for a moment: keep the last real width
    resize(800);
    expect((await widths.next()).value).toBe(800);
    await widths.return!();
    expect(observers).toHaveLength(0);
  });
});

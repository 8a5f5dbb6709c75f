// @vitest-environment jsdom
// The htl the studio serves writes no inline event-handler markup (Chromium checks the CSP on parsing it, see
// src/studio/htl.ts) and still binds the same handlers. The markup htl hands to the parser is recorded through the
// innerHTML setter, so the test sees what Chromium would parse.
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {html as rawHtml} from "htl";
import {html, moveHandlerBindings, svg} from "../../src/studio/htl.ts";

let parsed: string[] = [];
const setters = [HTMLTemplateElement.prototype, Element.prototype].map((proto) => {
  const descriptor = Object.getOwnPropertyDescriptor(proto, "innerHTML");
  return {proto, descriptor};
});

beforeEach(() => {
  parsed = [];
  for (const {proto, descriptor} of setters) {
    if (!descriptor?.set) continue;
    Object.defineProperty(proto, "innerHTML", {
      ...descriptor,
      set(this: Element, value: string) {
        parsed.push(value);
        descriptor.set!.call(this, value);
      }
    });
  }
});
afterEach(() => {
  for (const {proto, descriptor} of setters) if (descriptor) Object.defineProperty(proto, "innerHTML", descriptor);
});

const INLINE_HANDLER = /\son[a-z]+=/i;

describe("htl without inline handlers", () => {
  it("the stock htl writes the handler into its markup (what the CSP refuses)", () => {
    expect(rawHtml`<button onclick=${() => {}}>x</button>`).toBeInstanceOf(HTMLButtonElement);
    expect(parsed.some((markup) => INLINE_HANDLER.test(markup))).toBe(true);
  });

  it("binds function handlers as properties without any on… markup", () => {
    let clicks = 0;
    let inputs = 0;
    const form = html`<form>
      <button disabled=${false} onclick=${() => clicks++}>+</button><input type="range" oninput=${() => inputs++} />
    </form>` as HTMLFormElement;
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed.filter((markup) => INLINE_HANDLER.test(markup))).toEqual([]);
    form.querySelector("button")!.click();
    form.querySelector("input")!.dispatchEvent(new Event("input"));
    expect([clicks, inputs]).toEqual([1, 1]);
    expect([...form.querySelectorAll("*")].flatMap((e) => e.getAttributeNames())).toEqual(["type"]);
  });

  it("works for svg and fragments", () => {
    let clicks = 0;
    const g = svg`<circle r=2 onclick=${() => clicks++}></circle>` as SVGElement;
    const fragment = html.fragment`<a onpointerdown=${() => clicks++}>a</a><b>b</b>`;
    g.dispatchEvent(new Event("click"));
    fragment.firstChild!.dispatchEvent(new Event("pointerdown"));
    expect(clicks).toBe(2);
    expect(parsed.filter((markup) => INLINE_HANDLER.test(markup))).toEqual([]);
  });

  it("leaves everything htl does not bind as a property exactly as written", () => {
    const fn = () => {};
    const cases: [string[], unknown[]][] = [
      [["<button onclick=", ">"], ["alert(1)"]], // a string: htl writes it, the CSP must refuse it
      [['<button onclick="', '">'], [fn]], // quoted: htl stringifies
      [["<p>turn on=", "</p>"], [fn]], // text, not an attribute
      [["<button onclick=", "x>"], [fn]] // not followed by white space or >
    ];
    for (const [strings, values] of cases) expect(moveHandlerBindings(strings, values)).toEqual({strings, values});
    expect(moveHandlerBindings(["<i title=a onclick=", " id=b>"], [fn])).toEqual({
      strings: ["<i title=a ", " id=b>"],
      values: [{onclick: fn}]
    });
  });
});

// @vitest-environment jsdom
import {beforeEach, describe, expect, it} from "vitest";
import {bindUrl, defaultCodec} from "../../src/studio/url-input.ts";

/** A stand-in for an Observable Input: a select-like control that only takes one of its options. */
function choice<T>(options: T[], value: T): EventTarget & {value: T} {
  const target = new EventTarget() as EventTarget & {value: T};
  let current: T = value;
  Object.defineProperty(target, "value", {
    get: () => current,
    set: (v: T) => (current = options.includes(v) ? v : (null as T))
  });
  return target;
}

function visit(search: string): void {
  history.replaceState(null, "", `/notebooks/quant.html${search}`);
  document.body.innerHTML = "<main></main>";
}

describe("bindUrl(name, input)", () => {
  beforeEach(() => visit(""));

  it("bindUrl(name, input) takes the starting value from the URL", () => {
    visit("?quant=q4_0&cache=off");
    expect(bindUrl("quant", choice(["f32", "q8_0", "q4_0"], "f32")).value).toBe("q4_0");
    expect(bindUrl("cache", choice([true, false], true)).value).toBe(false);
    expect(document.querySelector(".gb-notice")).toBeNull();
  });

  it("bindUrl(name, input) shows invalid <name>: <value> and keeps the default for a value the input refuses", () => {
    visit("?quant=q9&cache=maybe&n=abc");
    expect(bindUrl("quant", choice(["f32", "q4_0"], "f32")).value).toBe("f32");
    expect(bindUrl("cache", choice([true, false], true)).value).toBe(true);
    expect(bindUrl("n", choice([1, 2], 1)).value).toBe(1);
    expect([...document.querySelectorAll(".gb-notice")].map((n) => n.textContent)).toEqual([
      "invalid quant: q9",
      "invalid cache: maybe",
      "invalid n: abc"
    ]);
    expect(location.search).toBe("");
  });

  it("bindUrl(name, input) writes changes to the URL and leaves defaults out", () => {
    visit("?other=1");
    const quant = bindUrl("quant", choice(["f32", "q4_0"], "f32"));
    quant.value = "q4_0";
    quant.dispatchEvent(new Event("input"));
    expect(location.search).toBe("?other=1&quant=q4_0");
    quant.value = "f32";
    quant.dispatchEvent(new Event("input"));
    expect(location.search).toBe("?other=1");
  });

  it("bindUrl([name, alias], input) reads the alias too, and writes only the name", () => {
    visit("?format=q4_0&other=1");
    const quant = bindUrl(["quant", "format"], choice(["f32", "q8_0", "q4_0"], "f32"));
    expect(quant.value).toBe("q4_0");
    expect(location.search).toBe("?other=1&quant=q4_0");
    visit("?quant=q8_0&format=q4_0");
    expect(bindUrl(["quant", "format"], choice(["f32", "q8_0", "q4_0"], "f32")).value).toBe("q8_0");
    visit("?format=q9");
    expect(bindUrl(["quant", "format"], choice(["f32", "q4_0"], "f32")).value).toBe("f32");
    expect(document.querySelector(".gb-notice")?.textContent).toBe("invalid format: q9");
    expect(location.search).toBe("");
  });

  it("bindUrl(name, input) with a non-primitive value needs a codec", () => {
    expect(() => bindUrl("range", choice([[0, 1]], [0, 1]))).toThrow(
      "bindUrl needs {parse, format} for a object value"
    );
  });
});

describe("defaultCodec(value)", () => {
  it("defaultCodec(true) reads on/off, true/false, 1/0 and writes on/off", () => {
    const codec = defaultCodec(true);
    expect(["on", "off", "true", "false", "1", "0"].map(codec.parse)).toEqual([true, false, true, false, true, false]);
    expect(codec.format(false)).toBe("off");
    expect(() => codec.parse("yes")).toThrow();
  });
  it("defaultCodec(0) accepts finite numbers only", () => {
    const codec = defaultCodec(0);
    expect(codec.parse("2.5")).toBe(2.5);
    for (const bad of ["", " ", "1e999", "NaN", "4x"]) expect(() => codec.parse(bad), bad).toThrow();
  });
});

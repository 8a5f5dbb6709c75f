import {describe, expect, it} from "vitest";
import {addPngText, readPngText} from "../../src/studio/export/png-text.ts";

// A valid 1x1 PNG (signature, IHDR, IDAT, IEND).
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0)
);

describe("addPngText(png, entries)", () => {
  it("addPngText(png, entries) adds UTF-8 text chunks after IHDR that readPngText reads back", () => {
    const tagged = addPngText(PNG, {Description: "wave, 4 bits — groups of 32", "glassbox:provenance": '{"cell":7}'});
    expect(tagged.length).toBeGreaterThan(PNG.length);
    expect(readPngText(tagged)).toEqual({
      Description: "wave, 4 bits — groups of 32",
      "glassbox:provenance": '{"cell":7}'
    });
    expect(new TextDecoder().decode(tagged.subarray(37, 41))).toBe("iTXt");
    expect(readPngText(PNG)).toEqual({});
  });
});

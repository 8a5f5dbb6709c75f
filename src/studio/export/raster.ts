// A cell's output as PNG: its static copy (capture.ts) with its fonts embedded, drawn through an SVG <foreignObject>
// into a canvas, at 2x the CSS size or fitted onto a 1920 × 1080 slide; white (light theme) background; alt text and
// provenance in PNG text chunks.
import {embeddedFontCss, staticCopy, usedFontFamilies} from "./capture.ts";
import {addPngText} from "./png-text.ts";

export const SLIDE = {width: 1920, height: 1080, padding: 64};
export const BACKGROUND = "#ffffff";

export type RasterSize = {kind: "scale"; scale: number} | {kind: "slide"};

/** An <img> of `element` as it looks now, at its CSS size (a vector image: drawing it larger stays sharp). */
export async function elementImage(
  element: Element
): Promise<{image: HTMLImageElement; width: number; height: number}> {
  const {width: w, height: h} = element.getBoundingClientRect();
  const width = Math.ceil(w);
  const height = Math.ceil(h);
  const copy = staticCopy(element) as HTMLElement;
  copy.style.width = `${w}px`;
  copy.style.boxSizing = "border-box";
  const fonts = await embeddedFontCss(usedFontFamilies(copy));
  const style = document.createElement("style");
  style.textContent = fonts;
  copy.prepend(style);
  const xhtml = new XMLSerializer().serializeToString(copy);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<foreignObject x="0" y="0" width="${width}" height="${height}">${xhtml}</foreignObject></svg>`;
  const image = new Image(width, height);
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  return {image, width, height};
}

export async function rasterize(element: Element, size: RasterSize, text: Record<string, string>): Promise<Blob> {
  const {image, width, height} = await elementImage(element);
  const canvas = document.createElement("canvas");
  let x = 0;
  let y = 0;
  let scale: number;
  if (size.kind === "scale") {
    scale = size.scale;
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
  } else {
    canvas.width = SLIDE.width;
    canvas.height = SLIDE.height;
    scale = Math.min((SLIDE.width - 2 * SLIDE.padding) / width, (SLIDE.height - 2 * SLIDE.padding) / height);
    x = Math.round((SLIDE.width - width * scale) / 2);
    y = Math.round((SLIDE.height - height * scale) / 2);
  }
  const context = canvas.getContext("2d")!;
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, x, y, width * scale, height * scale);
  const png = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the PNG"))),
      "image/png"
    )
  );
  const tagged = addPngText(new Uint8Array(await png.arrayBuffer()), text);
  return new Blob([tagged], {type: "image/png"});
}

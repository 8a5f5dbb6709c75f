// A cell's chart as a standalone SVG file: the largest <svg> of the output, styles inlined (capture.ts), fonts
// embedded as data: URLs with the page's system-font fallbacks kept, alt text as <title>, provenance as <desc> and
// JSON <metadata>. Renders the same opened on its own.
import {embeddedFontCss, staticCopy, usedFontFamilies} from "./capture.ts";
import {provenanceLine, type Provenance} from "./provenance.ts";

const SVG_NS = "http://www.w3.org/2000/svg";

/** The output's main chart: its largest top-level <svg> (icons inside inputs are small), or null. */
export function mainSvg(output: Element): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let bestArea = 0;
  for (const svg of output.querySelectorAll("svg")) {
    if (svg.parentElement?.closest("svg")) continue;
    const {width, height} = svg.getBoundingClientRect();
    if (width * height > bestArea) [best, bestArea] = [svg, width * height];
  }
  return bestArea >= 400 ? best : null;
}

export async function standaloneSvg(svg: SVGSVGElement, alt: string, provenance: Provenance): Promise<string> {
  const {width, height} = svg.getBoundingClientRect();
  const copy = staticCopy(svg) as SVGSVGElement;
  copy.setAttribute("xmlns", SVG_NS);
  copy.setAttribute("width", String(Math.ceil(width)));
  copy.setAttribute("height", String(Math.ceil(height)));
  if (!copy.hasAttribute("viewBox")) copy.setAttribute("viewBox", `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  copy.setAttribute("role", "img");
  copy.setAttribute("aria-label", alt);
  copy.style.backgroundColor = "#ffffff";
  const title = document.createElementNS(SVG_NS, "title");
  title.textContent = alt;
  const desc = document.createElementNS(SVG_NS, "desc");
  desc.textContent = provenanceLine(provenance);
  const metadata = document.createElementNS(SVG_NS, "metadata");
  metadata.setAttribute("id", "glassbox-provenance");
  metadata.textContent = JSON.stringify(provenance);
  const style = document.createElementNS(SVG_NS, "style");
  style.textContent = await embeddedFontCss(usedFontFamilies(copy));
  copy.prepend(title, desc, metadata, style);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

// The allow-list every static copy passes (capture.ts): only the elements, attributes and URL schemes a cell's
// output needs to be seen (text, tables, forms as values, KaTeX's HTML and MathML, the charts' SVG, images) survive;
// anything else is dropped with its content. An allow-list, because a deny-list misses what it did not imagine
// (`java\tscript:`, SVG <animate values=…>, <meta http-equiv=refresh>, <base>, form actions, MathML namespace tricks).

const HTML_ELEMENTS = new Set(
  (
    "a abbr article aside b bdi bdo blockquote br button caption cite code col colgroup dd del details dfn div dl dt " +
    "em fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr i img input ins kbd label legend li main " +
    "mark meter nav ol optgroup option output p pre progress q s samp section select small span strong sub summary " +
    "sup table tbody td textarea tfoot th thead time tr u ul var wbr"
  ).split(" ")
);
const SVG_ELEMENTS = new Set(
  (
    "svg g path rect circle ellipse line polyline polygon text tspan title desc defs clipPath mask linearGradient " +
    "radialGradient stop pattern marker symbol use image"
  ).split(" ")
);
const MATHML_ELEMENTS = new Set(
  (
    "math semantics annotation mrow mi mo mn ms mtext mspace msup msub msubsup mfrac msqrt mroot mtable mtr mtd " +
    "munder mover munderover mpadded mphantom menclose mstyle"
  ).split(" ")
);
const HTML_NS = "http://www.w3.org/1999/xhtml";
const NAMESPACES: Record<string, Set<string>> = {
  [HTML_NS]: HTML_ELEMENTS,
  "http://www.w3.org/2000/svg": SVG_ELEMENTS,
  "http://www.w3.org/1998/Math/MathML": MATHML_ELEMENTS
};

const ATTRIBUTES = new Set(
  // every namespace
  (
    "class style id title lang dir role tabindex " +
    // HTML
    "alt width height colspan rowspan headers scope span start reversed type value checked selected disabled " +
    "readonly name min max step placeholder for open datetime rows cols multiple label high low optimum size " +
    "maxlength " +
    // SVG
    "viewbox preserveaspectratio xmlns xmlns:xlink version x y x1 y1 x2 y2 cx cy r rx ry d points transform fill " +
    "fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-dasharray stroke-dashoffset stroke-linecap " +
    "stroke-linejoin stroke-miterlimit opacity font-family font-size font-weight font-style text-anchor " +
    "dominant-baseline alignment-baseline baseline-shift dx dy textlength lengthadjust rotate letter-spacing " +
    "word-spacing clip-path clip-rule mask marker-start marker-mid marker-end markerwidth markerheight refx refy " +
    "orient markerunits offset stop-color stop-opacity gradientunits gradienttransform spreadmethod fx fy fr " +
    "patternunits patterncontentunits patterntransform clippathunits maskunits maskcontentunits visibility display " +
    "color shape-rendering text-rendering vector-effect paint-order " +
    // MathML
    "mathvariant displaystyle scriptlevel encoding stretchy fence separator lspace rspace accent accentunder " +
    "columnalign rowalign columnspacing rowspacing depth voffset notation linethickness minsize maxsize " +
    "movablelimits symmetric largeop"
  ).split(" ")
);

/** Image data a copy may hold inline (no SVG: an SVG image can carry script). */
const IMAGE_DATA = /^data:image\/(png|jpeg|gif|webp)[;,]/;

/** A URL as a browser reads it: entity-decoded already (the DOM), without the controls and spaces it ignores. */
function normalizedUrl(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- the controls are what a browser drops from a URL
      .replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028\u2029\u205f\u3000\ufeff]/g, "")
      .toLowerCase()
  );
}

/** Whether `value` may stay as the URL attribute `name` of `element`. */
function allowedUrl(element: Element, name: string, value: string): boolean {
  const url = normalizedUrl(value);
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
  const tag = element.localName;
  if (tag === "a" && name === "href") return scheme === undefined || ["http", "https", "mailto"].includes(scheme);
  if ((tag === "img" && name === "src") || (tag === "image" && (name === "href" || name === "xlink:href")))
    return IMAGE_DATA.test(url);
  if (tag === "use" && (name === "href" || name === "xlink:href")) return url.startsWith("#");
  return false;
}

/** Whether this element may appear in a copy at all (its content goes with it when not). */
export function allowedElement(element: Element): boolean {
  // a custom element is an inert box in a page without its script (the copy has none)
  if (element.namespaceURI === HTML_NS && /^[a-z][a-z0-9]*-[a-z0-9-]*$/.test(element.localName)) return true;
  return NAMESPACES[element.namespaceURI ?? ""]?.has(element.localName) ?? false;
}

/** Removes every attribute of `element` that is not allowed; URL attributes are kept only with an allowed URL. */
export function sanitizeAttributes(element: Element): void {
  for (const attribute of [...element.attributes]) {
    const name = attribute.name.toLowerCase();
    const keep =
      name.startsWith("aria-") ||
      name.startsWith("data-") ||
      (ATTRIBUTES.has(name) && name !== "style") ||
      (name === "style" && !/url\s*\(|expression\s*\(|@import/i.test(attribute.value)) ||
      ((name === "href" || name === "src" || name === "xlink:href") && allowedUrl(element, name, attribute.value));
    if (!keep) element.removeAttribute(attribute.name);
  }
}

/** A computed style value that may go inline: no url() other than inline image data. */
export function allowedStyleValue(value: string): boolean {
  for (const m of value.matchAll(/url\(\s*(["']?)([^"')]*)\1\s*\)/gi))
    if (!IMAGE_DATA.test(normalizedUrl(m[2]!))) return false;
  return true;
}

// A cell's output as a static, self-contained copy: a deep clone whose every element carries, inline, the computed
// styles that differ from a bare element of its kind (so the copy looks the same with no stylesheet), canvases turned
// into images, form controls holding their current values, and nothing that can run or load: only what
// sanitize.ts allows survives. Used by the PNG, SVG, HTML snippet and handout exports alike.

import {allowedElement, allowedStyleValue, sanitizeAttributes} from "./sanitize.ts";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Properties that only matter while interacting, or that a copy must not inherit from the page. */
const SKIPPED = new Set(["cursor", "pointer-events", "user-select", "-webkit-user-select", "transition", "animation"]);

let defaultsDocument: Document | null = null;
const defaultsCache = new Map<string, Map<string, string>>();

/** The computed style of a bare element of this kind, in an unstyled same-origin document. */
function defaults(element: Element): Map<string, string> {
  const key = `${element.namespaceURI}|${element.localName}`;
  let cached = defaultsCache.get(key);
  if (cached) return cached;
  if (!defaultsDocument) {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    document.body.appendChild(frame);
    defaultsDocument = frame.contentDocument!;
  }
  const doc = defaultsDocument;
  // An SVG element is measured inside an <svg>, as it would be in an output.
  const holder = doc.body.appendChild(
    element.namespaceURI === SVG_NS ? doc.createElementNS(SVG_NS, "svg") : doc.createElement("div")
  );
  const bare = holder.appendChild(
    element.namespaceURI === SVG_NS
      ? doc.createElementNS(SVG_NS, element.localName)
      : doc.createElement(element.localName)
  );
  const style = doc.defaultView!.getComputedStyle(bare);
  cached = new Map();
  for (const property of style) cached.set(property, style.getPropertyValue(property));
  holder.remove();
  defaultsCache.set(key, cached);
  return cached;
}

function inlineStyle(source: Element, target: Element): void {
  const style = getComputedStyle(source);
  const base = defaults(source);
  let text = "";
  for (const property of style) {
    if (SKIPPED.has(property) || property.startsWith("--")) continue;
    const value = style.getPropertyValue(property);
    if (base.get(property) !== value && allowedStyleValue(value)) text += `${property}:${value};`;
  }
  target.setAttribute("style", text);
}

function copy(source: Element, target: Element): Element {
  if (source instanceof HTMLCanvasElement) {
    const image = document.createElement("img");
    image.src = source.toDataURL("image/png");
    image.alt = source.getAttribute("aria-label") ?? "";
    inlineStyle(source, image);
    const {width, height} = source.getBoundingClientRect();
    image.style.width = `${width}px`;
    image.style.height = `${height}px`;
    return image;
  }
  sanitizeAttributes(target);
  inlineStyle(source, target);
  if (source instanceof HTMLInputElement) {
    if (source.type === "checkbox" || source.type === "radio") target.toggleAttribute("checked", source.checked);
    else target.setAttribute("value", source.value);
  } else if (source instanceof HTMLSelectElement) {
    [...(target as HTMLSelectElement).options].forEach((o, i) =>
      o.toggleAttribute("selected", i === source.selectedIndex)
    );
  } else if (source instanceof HTMLTextAreaElement) {
    target.textContent = source.value;
  }
  const sourceChildren = [...source.childNodes];
  const targetChildren = [...target.childNodes];
  sourceChildren.forEach((child, i) => {
    const twin = targetChildren[i]!;
    if (child instanceof Element) {
      if (!(child instanceof HTMLCanvasElement) && !allowedElement(child)) twin.remove();
      else {
        const replaced = copy(child, twin as Element);
        if (replaced !== twin) twin.replaceWith(replaced);
      }
    } else if (child.nodeType === Node.COMMENT_NODE) twin.remove();
  });
  return target;
}

/** The static, self-contained copy of `element` (see the file comment); its root has no margin. */
export function staticCopy(element: Element): Element {
  const clone = copy(element, element.cloneNode(true) as Element);
  (clone as HTMLElement).style.margin = "0";
  clone.removeAttribute("id");
  return clone;
}

/** The font families (first name of each font-family list) used anywhere in a static copy. */
export function usedFontFamilies(root: Element): Set<string> {
  const families = new Set<string>();
  for (const element of [root, ...root.querySelectorAll("*")]) {
    const family = (element as HTMLElement).style?.fontFamily || getComputedStyle(element).fontFamily;
    for (const name of family.split(",")) families.add(name.trim().replace(/^["']|["']$/g, ""));
  }
  return families;
}

function* fontFaceRules(sheets: Iterable<CSSStyleSheet>): Generator<CSSFontFaceRule> {
  for (const sheet of sheets) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // a cross-origin sheet cannot be read (there are none offline)
    }
    for (const rule of rules) {
      if (rule instanceof CSSImportRule && rule.styleSheet) yield* fontFaceRules([rule.styleSheet]);
      else if (rule instanceof CSSFontFaceRule) yield rule;
    }
  }
}

const fontData = new Map<string, Promise<string>>();

function dataUrl(url: string): Promise<string> {
  let cached = fontData.get(url);
  if (!cached) {
    cached = fetch(url)
      .then((r) => r.blob())
      .then(
        (blob) =>
          new Promise<string>((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result as string);
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(blob);
          })
      );
    fontData.set(url, cached);
  }
  return cached;
}

/** Whether a face's unicode-range covers basic Latin (faces without one cover everything). */
function coversLatin(rule: CSSFontFaceRule): boolean {
  const range = rule.style.getPropertyValue("unicode-range");
  if (!range) return true;
  return range.split(",").some((part) => {
    const [from, to = from] = part.trim().replace(/^U\+/i, "").split("-");
    const a = parseInt(from!.replace(/\?/g, "0"), 16);
    const b = parseInt(to!.replace(/\?/g, "f"), 16);
    return a <= 0x41 && 0x7a <= b;
  });
}

/** @font-face rules for `families` with their Latin files inlined as data: URLs, so a copy renders anywhere. */
export async function embeddedFontCss(families: Set<string>): Promise<string> {
  const rules: string[] = [];
  for (const rule of fontFaceRules(document.styleSheets)) {
    const family = rule.style
      .getPropertyValue("font-family")
      .trim()
      .replace(/^["']|["']$/g, "");
    if (!families.has(family) || !coversLatin(rule)) continue;
    const base = rule.parentStyleSheet?.href ?? location.href;
    const src = rule.style.getPropertyValue("src");
    const match =
      /url\((["']?)([^"')]+)\1\)\s*format\((["']?)([\w-]+)\3\)/.exec(src) ?? /url\((["']?)([^"')]+)\1\)/.exec(src);
    if (!match) continue;
    const url = new URL(match[2]!, base).href;
    const data = await dataUrl(url);
    const descriptors = ["font-style", "font-weight", "font-stretch", "font-display"]
      .map((name) => [name, rule.style.getPropertyValue(name)] as const)
      .filter(([, value]) => value)
      .map(([name, value]) => `${name}:${value};`)
      .join("");
    rules.push(`@font-face{font-family:"${family}";src:url(${data});${descriptors}}`);
  }
  return rules.join("\n");
}

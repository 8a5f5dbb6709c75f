// Label geometry of a chart, measured by the browser (getBBox, with every transform applied): pairs of text labels
// whose boxes overlap, and labels that stick out of the SVG's viewBox (the browser clips them). A label's box is its
// glyph box, turned with the text (rotated axis labels stay rotated rectangles), and two boxes overlap when they
// share more than TOLERANCE px both ways (separating-axis test on the turned rectangles).
//
// The check runs inside the page, so it is kept as plain JavaScript source (page.evaluate of a string): vitest's
// transform never touches it.
import type {Page} from "playwright-core";

/** px two boxes may share (anti-aliasing, a descender touching the next line) before they count as overlapping */
export const LABEL_TOLERANCE = 1;

/** `(svg, tolerance) => string[]`: one line per overlap or clipped label of one chart. */
const LABEL_CHECK = String.raw`(svg, tolerance) => {
  const root = svg.getScreenCTM();
  if (!root) return [];
  const toRoot = root.inverse();
  const vb = svg.viewBox.baseVal;
  const view = vb && vb.width > 0 ? {x: vb.x, y: vb.y, w: vb.width, h: vb.height} : {x: 0, y: 0, w: svg.width.baseVal.value, h: svg.height.baseVal.value};
  const shown = (el) => {
    for (let e = el; e && e !== svg.parentNode; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden" || s.opacity === "0") return false;
    }
    return true;
  };
  const labels = [];
  for (const t of svg.querySelectorAll("text")) {
    if (t.parentElement && t.parentElement.closest("text")) continue;
    const text = (t.textContent || "").trim();
    if (!text || !shown(t)) continue;
    const b = t.getBBox();
    if (!(b.width > 0 && b.height > 0)) continue;
    const m = toRoot.multiply(t.getScreenCTM());
    const at = (x, y) => ({x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f});
    const corners = [at(b.x, b.y), at(b.x + b.width, b.y), at(b.x + b.width, b.y + b.height), at(b.x, b.y + b.height)];
    labels.push({text, corners});
  }
  const fmt = (n) => Math.round(n * 10) / 10;
  const name = (l) => JSON.stringify(l.text.length > 40 ? l.text.slice(0, 39) + "…" : l.text);
  const problems = [];
  for (const l of labels) {
    const xs = l.corners.map((p) => p.x);
    const ys = l.corners.map((p) => p.y);
    const out = [];
    if (Math.min(...xs) < view.x - tolerance) out.push("left by " + fmt(view.x - Math.min(...xs)));
    if (Math.max(...xs) > view.x + view.w + tolerance) out.push("right by " + fmt(Math.max(...xs) - view.x - view.w));
    if (Math.min(...ys) < view.y - tolerance) out.push("top by " + fmt(view.y - Math.min(...ys)));
    if (Math.max(...ys) > view.y + view.h + tolerance) out.push("bottom by " + fmt(Math.max(...ys) - view.y - view.h));
    if (out.length) problems.push("clipped: " + name(l) + " sticks out " + out.join(", "));
  }
  // separating axes of two rectangles: the edge normals of both; overlap = smallest projection overlap
  const axes = (c) => [0, 1].map((i) => {
    const dx = c[i + 1].x - c[i].x, dy = c[i + 1].y - c[i].y, n = Math.hypot(dx, dy) || 1;
    return {x: dx / n, y: dy / n};
  });
  const depth = (a, b) => {
    let least = Infinity;
    for (const axis of [...axes(a), ...axes(b)]) {
      const pa = a.map((p) => p.x * axis.x + p.y * axis.y);
      const pb = b.map((p) => p.x * axis.x + p.y * axis.y);
      least = Math.min(least, Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb)));
    }
    return least;
  };
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const d = depth(labels[i].corners, labels[j].corners);
      if (d > tolerance) problems.push("overlap: " + name(labels[i]) + " and " + name(labels[j]) + " by " + fmt(d) + " px");
    }
  return problems;
}`;

/** Label problems of every chart matching `selector` on the page, each prefixed with `<which>: `. */
export async function labelProblems(page: Page, selector = "svg.gb-chart", tolerance = LABEL_TOLERANCE) {
  return page.evaluate(
    `(() => {
      const check = ${LABEL_CHECK};
      return [...document.querySelectorAll(${JSON.stringify(selector)})].flatMap((svg, i) => {
        const title = svg.querySelector(":scope > title")?.textContent || svg.getAttribute("class") || "svg";
        const which = (svg.closest("[id^=cell-]")?.id ?? "chart " + i) + " «" + title.slice(0, 60) + "»";
        return check(svg, ${tolerance}).map((p) => which + ": " + p);
      });
    })()`
  ) as Promise<string[]>;
}

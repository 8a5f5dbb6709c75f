// The frame of the HTML components (token view, logit lens, text diff): a <figure> with caption, themed colours,
// notes, and the accessible summary as aria-label.
import type {FrameOptions} from "./options.ts";
import {HIGHLIGHT_CLASS} from "./highlight.ts";

export interface HtmlFigure {
  root: HTMLElement;
  body: HTMLElement;
  finish(summary: string): HTMLElement;
}

export function createHtmlFigure(options: FrameOptions, kind: string, notes: readonly string[] = []): HtmlFigure {
  const {theme} = options;
  const root = document.createElement("figure");
  root.className = `gb-chart gb-${kind}`;
  root.setAttribute("role", "figure");
  root.style.cssText =
    `margin:0;padding:12px 16px;max-width:${options.width}px;box-sizing:border-box;background:${theme.background};` +
    `color:${theme.foreground};font:${theme.fontSize}px ${theme.font}`;
  const style = document.createElement("style");
  style.textContent =
    `.gb-${kind} .${HIGHLIGHT_CLASS}{outline:2.5px solid ${theme.highlight};outline-offset:1px}` +
    `.gb-${kind} .gb-muted{color:${theme.muted}}`;
  root.append(style);
  if (options.title || options.subtitle) {
    const caption = document.createElement("figcaption");
    if (options.title) {
      const h = document.createElement("div");
      h.style.cssText = `font-weight:700;font-size:${theme.fontSize * 1.45}px`;
      h.textContent = options.title;
      caption.append(h);
    }
    if (options.subtitle) {
      const s = document.createElement("div");
      s.className = "gb-muted";
      s.textContent = options.subtitle;
      caption.append(s);
    }
    caption.style.cssText = `margin-bottom:10px;color:${theme.foreground};font-family:${theme.font}`;
    root.append(caption);
  }
  const body = document.createElement("div");
  root.append(body);
  for (const note of notes) {
    const n = document.createElement("div");
    n.className = "gb-muted gb-note";
    n.style.fontStyle = "italic";
    n.textContent = note;
    root.append(n);
  }
  return {
    root,
    body,
    finish(summary) {
      root.setAttribute("aria-label", options.description ?? summary);
      return root;
    }
  };
}

/** A centred muted message such as "no data". */
export function htmlMessage(parent: HTMLElement, text: string): void {
  const m = document.createElement("div");
  m.className = "gb-muted gb-message";
  m.style.cssText = "padding:24px;text-align:center;font-size:1.2em";
  m.textContent = text;
  parent.append(m);
}

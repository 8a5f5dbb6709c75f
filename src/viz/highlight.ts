// The shared highlight channel that links charts. A token view publishes the hovered position on a named link
// (default "tokens"); every chart subscribed to that link marks the same position: by default it toggles the CSS
// class `gb-highlight` on its descendants with `data-position="<i>"`, and a chart may add its own reaction (the
// heatmap outlines a row, the attention chart a query row and key column).
//
//   publishHighlight(document, "tokens", 3)   // any code can drive it, e.g. a notebook slider
//   subscribeHighlight(chart, "tokens", (p) => ...)
//
// Events are DOM CustomEvents named "glassbox-highlight" on the document with detail {link, position}.

export const HIGHLIGHT_EVENT = "glassbox-highlight";
export const HIGHLIGHT_CLASS = "gb-highlight";

export interface HighlightDetail {
  link: string;
  /** token position, or null when the pointer left */
  position: number | null;
}

export function publishHighlight(doc: Document, link: string, position: number | null): void {
  doc.dispatchEvent(new CustomEvent<HighlightDetail>(HIGHLIGHT_EVENT, {detail: {link, position}}));
}

/**
 * Marks `[data-position=p]` inside `node` while position p is highlighted on `link`. The listener removes itself
 * once `node` has been attached and later detached, so re-rendered notebook cells do not leak listeners.
 */
export function subscribeHighlight(node: Element, link: string, react?: (position: number | null) => void): void {
  const doc = node.ownerDocument;
  let attached = false;
  const listener = (event: Event) => {
    if (node.isConnected) attached = true;
    else if (attached) return void doc.removeEventListener(HIGHLIGHT_EVENT, listener);
    const detail = (event as CustomEvent<HighlightDetail>).detail;
    if (detail.link !== link) return;
    for (const el of node.querySelectorAll(`.${HIGHLIGHT_CLASS}`)) el.classList.remove(HIGHLIGHT_CLASS);
    if (detail.position !== null) {
      for (const el of node.querySelectorAll(`[data-position="${detail.position}"]`)) el.classList.add(HIGHLIGHT_CLASS);
    }
    react?.(detail.position);
  };
  doc.addEventListener(HIGHLIGHT_EVENT, listener);
}

// Logit lens table: for each layer (rows) and position (columns) the top-1 token of unembed(ln_final(resid)) and
// its probability, cells shaded by probability; cells whose token equals the actual next token are bold and
// underlined (not colour alone). Columns follow the highlight channel.
import * as d3 from "d3";
import {createHtmlFigure, htmlMessage} from "./html-figure.ts";
import {formatNumber, showToken, truncate} from "./format.ts";
import {subscribeHighlight} from "./highlight.ts";
import {frameDefaults, textOrNull, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface LensCell {
  token: string;
  p: number;
}

export interface LogitLensData {
  /** [T] the input tokens (column headers) */
  tokens: readonly string[];
  /** [L] row labels, e.g. "embed", "0", ..., "final" */
  layers: readonly string[];
  /** [L][T] top-1 prediction per layer and position */
  top: readonly (readonly LensCell[])[];
  /** [T] the actual next token at each position, to mark correct predictions */
  next?: readonly string[];
}

export interface LogitLensSpec extends FrameSpec {
  /** Highlight channel to follow; null = none. Default "tokens". */
  link?: string | null;
}

export interface LogitLensOptions extends FrameOptions {
  link: string | null;
}

export function toLogitLensOptions(spec?: LogitLensSpec): LogitLensOptions {
  const o = withDefaults(spec, {
    ...frameDefaults("Logit lens: top-1 prediction per layer"),
    link: "tokens" as string | null
  });
  return {...toFrameOptions(o), link: textOrNull(o.link, "link")};
}

export function logitLens(data: LogitLensData, spec?: LogitLensSpec): HTMLElement {
  const o = toLogitLensOptions(spec);
  const theme = o.theme;
  const tokens = data.tokens ?? [];
  const layers = data.layers ?? [];
  const top = data.top ?? [];
  if (top.length !== layers.length || top.some((row) => row.length !== tokens.length)) {
    throw new Error(`invalid top: expected ${layers.length} layers × ${tokens.length} positions`);
  }
  const nonFinite = top.flat().filter((c) => !Number.isFinite(c.p)).length;
  const fig = createHtmlFigure(
    o,
    "logit-lens",
    nonFinite ? [`${nonFinite} cells with a non-finite probability shown as “?”`] : []
  );
  if (!tokens.length || !layers.length) {
    htmlMessage(fig.body, "no data");
    return fig.finish(`${o.title}: no data.`);
  }
  const table = document.createElement("table");
  table.style.cssText = `border-collapse:separate;border-spacing:2px;font-size:${theme.fontSize * 0.87}px`;
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "layer \\ position";
  corner.className = "gb-muted";
  head.append(corner);
  tokens.forEach((t, i) => {
    const th = document.createElement("th");
    th.dataset.position = String(i);
    th.textContent = truncate(showToken(t), 10);
    th.title = `position ${i}: ${JSON.stringify(t)}`;
    head.append(th);
  });
  const body = table.createTBody();
  layers.forEach((layer, l) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.textContent = layer;
    th.style.textAlign = "right";
    tr.append(th);
    top[l]!.forEach((cell, i) => {
      const td = tr.insertCell();
      td.dataset.position = String(i);
      const finite = Number.isFinite(cell.p);
      const p = finite ? Math.min(1, Math.max(0, cell.p)) : 0;
      const bg = finite ? theme.sequential(p) : theme.missing;
      const light = d3.hsl(bg).l > 0.55;
      const correct = data.next?.[i] === cell.token;
      td.style.cssText =
        `background:${bg};color:${light ? "#111" : "#fff"};padding:3px 6px;text-align:center;white-space:pre;` +
        (correct ? "font-weight:700;text-decoration:underline" : "");
      td.textContent = finite ? truncate(showToken(cell.token), 10) : "?";
      td.title = `layer ${layer}, position ${i}: ${JSON.stringify(cell.token)} p ${formatNumber(cell.p)}${correct ? " (the actual next token)" : ""}`;
    });
  });
  // many positions make a wide table: it scrolls inside the figure instead of widening the page
  fig.body.style.overflowX = "auto";
  fig.body.append(table);
  const last = top[top.length - 1]!;
  const correct = data.next ? last.filter((c, i) => c.token === data.next![i]).length : null;
  const root = fig.finish(
    `${o.title}: ${layers.length} layers × ${tokens.length} positions` +
      (correct === null ? "." : `; the last layer predicts ${correct} of ${tokens.length} next tokens.`)
  );
  if (o.link !== null) subscribeHighlight(root, o.link);
  return root;
}

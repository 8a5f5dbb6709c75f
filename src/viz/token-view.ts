// The prompt as tokens with their ids. Hovering (or focusing) a token publishes its position on the highlight
// channel, so every linked chart (heatmaps, attention, logit lens) marks the same position.
import {createHtmlFigure, htmlMessage} from "./html-figure.ts";
import {showToken} from "./format.ts";
import {publishHighlight, subscribeHighlight} from "./highlight.ts";
import {frameDefaults, text, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface Token {
  id: number;
  text: string;
}

export interface TokenViewData {
  tokens: readonly Token[];
}

export interface TokenViewSpec extends FrameSpec {
  /** Highlight channel to publish on and follow. Default "tokens". */
  link?: string;
}

export interface TokenViewOptions extends FrameOptions {
  link: string;
}

export function toTokenViewOptions(spec?: TokenViewSpec): TokenViewOptions {
  const o = withDefaults(spec, {...frameDefaults("Tokens", 960, 200), link: "tokens"});
  return {...toFrameOptions(o), link: text(o.link, "link")};
}

export function tokenView(data: TokenViewData, spec?: TokenViewSpec): HTMLElement {
  const options = toTokenViewOptions(spec);
  const {theme} = options;
  const tokens = data.tokens ?? [];
  const fig = createHtmlFigure(options, "tokens");
  const row = document.createElement("div");
  row.style.cssText = "display:flex;flex-wrap:wrap;gap:6px";
  fig.body.append(row);
  if (!tokens.length) htmlMessage(fig.body, "no tokens");
  tokens.forEach((token, i) => {
    if (!Number.isInteger(token?.id)) throw new Error(`invalid token id: ${token?.id}`);
    const chip = document.createElement("span");
    chip.className = "gb-token";
    chip.dataset.position = String(i);
    chip.tabIndex = 0;
    chip.title = `position ${i}, id ${token.id}, text ${JSON.stringify(token.text)}`;
    chip.style.cssText =
      `display:inline-flex;flex-direction:column;align-items:center;padding:4px 8px;border-radius:4px;` +
      `border:1px solid ${theme.grid};cursor:default;white-space:pre`;
    const label = document.createElement("span");
    label.textContent = showToken(String(token.text));
    const id = document.createElement("span");
    id.className = "gb-muted";
    id.style.fontSize = "0.75em";
    id.textContent = String(token.id);
    chip.append(label, id);
    const publish = (position: number | null) => publishHighlight(chip.ownerDocument, options.link, position);
    chip.addEventListener("pointerenter", () => publish(i));
    chip.addEventListener("pointerleave", () => publish(null));
    chip.addEventListener("focus", () => publish(i));
    chip.addEventListener("blur", () => publish(null));
    row.append(chip);
  });
  const root = fig.finish(
    tokens.length
      ? `${tokens.length} tokens: ${tokens.map((t) => `${JSON.stringify(t.text)} (${t.id})`).join(", ")}.`
      : "No tokens."
  );
  subscribeHighlight(root, options.link);
  return root;
}

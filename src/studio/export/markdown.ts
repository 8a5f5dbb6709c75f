// A cell as Markdown for slides and course notes: its code in a fence (longer than any backtick run in the code),
// its output as an image with alt text (the PNG inlined as a data: URL, so the file stands alone), and provenance.
import type {Cell} from "../notebook/cells.ts";
import {provenanceLine, type Provenance} from "./provenance.ts";

/** Text as inline Markdown that renders as itself: no HTML (a title like `<img onerror=…>` stays text), no emphasis. */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/[\\`*_[\]~]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\r\n]+/g, " ");
}

export function cellMarkdown(cell: Cell, pngDataUrl: string, alt: string, provenance: Provenance): string {
  const longestRun = Math.max(2, ...[...cell.value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longestRun + 1);
  const language = cell.mode === "ojs" ? "js" : cell.mode;
  const code = cell.value.trim() ? `${fence}${language}\n${cell.value}\n${fence}\n\n` : "";
  const safeAlt = alt.replace(/[[\]\\]/g, "\\$&");
  // "--" cannot appear inside an HTML comment; in JSON it only occurs inside strings, where \u002d is the same text.
  const json = JSON.stringify(provenance).replace(/--/g, "-\\u002d");
  return `<!-- glassbox provenance: ${json} -->\n\n${code}![${safeAlt}](${pngDataUrl})\n\n*${escapeMarkdownText(provenanceLine(provenance))}*\n`;
}

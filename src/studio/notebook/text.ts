// Small text helpers for notebook files, shared by the browser and the dev server (no DOM, no node:).

/** notebook-kit writes boolean attributes as `pinned=""`; the files in notebooks/ write `pinned`. */
export function tidyBooleanAttributes(html: string): string {
  return html.replace(/ (pinned|hidden|readonly)=""/g, " $1");
}

/** A file name from a title: "Rounding to a grid" -> "rounding-to-a-grid". */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "notebook"
  );
}

/** Text safe in HTML text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A notebook file the user brings (file picker or drag-and-drop onto the page) opens read-only: its code is shown as
// text, its Markdown and HTML as source, and nothing in it is defined in the runtime until the user says so. Trusting
// it makes it a local notebook ("My notebooks"), which then runs.
import type {Session} from "./session.ts";
import {openUrl} from "./session.ts";
import {showBanner} from "../persist/banner.ts";
import {createLocalNotebook, localNotebookUrl} from "../persist/local-notebooks.ts";
import {htmlToNotebook} from "../notebook/file.ts";
import {showNotice} from "../notices.ts";

export async function openUntrustedFile(session: Session, file: File): Promise<void> {
  let notebook;
  try {
    notebook = await htmlToNotebook(await file.text(), file.name);
  } catch (error) {
    showNotice(`cannot open ${file.name}: ${error instanceof Error ? error.message : error}`);
    return;
  }
  session.flush();
  await session.load(notebook, {kind: "import", name: file.name}, false);
  showBanner(
    "untrusted",
    `${file.name} is open read-only: none of its code has run and none of its Markdown or HTML is rendered. ` +
      "Read it first; run it only if you trust where it came from.",
    [
      {
        id: "trust",
        label: "Trust and run this notebook",
        run: () => openUrl(localNotebookUrl(createLocalNotebook(notebook)))
      },
      {id: "close", label: "Close it", run: () => location.reload()}
    ]
  );
}

/** An "Open file…" button and drag-and-drop of .html files anywhere on the page. */
export function fileOpener(session: Session): HTMLElement {
  const label = document.createElement("label");
  label.className = "gb-open-file";
  label.textContent = "Open file…";
  const input = label.appendChild(document.createElement("input"));
  input.type = "file";
  input.accept = ".html,text/html";
  input.setAttribute("aria-label", "open a notebook file read-only");
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = "";
    if (file) void openUntrustedFile(session, file);
  });
  document.addEventListener("dragover", (event) => {
    if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    void openUntrustedFile(session, file);
  });
  return label;
}

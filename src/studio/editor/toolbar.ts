// The notebook's own bar, above the cells: its title (rename in place), where it lives and whether it is saved,
// "My notebooks" (new, duplicate, open a local one, open a file read-only), download, revert to file, save to file
// (dev), and the handout export.
import {openHandoutDialog} from "../export/handout-dialog.ts";
import {blankNotebook, createLocalNotebook, listLocalNotebooks, localNotebookUrl} from "../persist/local-notebooks.ts";
import {downloadNotebook} from "../notebook/file.ts";
import {fileOpener} from "./open-file.ts";
import {saveToFile} from "../persist/save-file.ts";
import {showNotice} from "../notices.ts";
import {openUrl, type Session} from "./session.ts";

function button(text: string, action: string, onClick: () => void, title = text): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.title = title;
  element.dataset.action = action;
  element.addEventListener("click", onClick);
  return element;
}

export function mountToolbar(session: Session): HTMLElement {
  const bar = document.createElement("div");
  bar.className = "gb-editbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "notebook");

  const title = bar.appendChild(document.createElement("input"));
  title.className = "gb-title";
  title.setAttribute("aria-label", "notebook title (rename)");
  title.addEventListener("change", () => {
    try {
      session.rename(title.value);
    } catch (error) {
      showNotice(String(error instanceof Error ? error.message : error));
      title.value = session.notebook.title;
    }
  });

  const where = bar.appendChild(document.createElement("span"));
  where.className = "gb-where";
  where.setAttribute("aria-live", "polite");

  const menu = bar.appendChild(document.createElement("details"));
  menu.className = "gb-menu gb-my-notebooks";
  menu.appendChild(document.createElement("summary")).textContent = "My notebooks";
  const panel = menu.appendChild(document.createElement("div"));
  panel.className = "gb-menu-panel";
  menu.addEventListener("toggle", () => menu.open && renderMenu());
  const renderMenu = () => {
    panel.replaceChildren(
      button("New notebook", "new", () => openUrl(localNotebookUrl(createLocalNotebook(blankNotebook())))),
      button("Duplicate this notebook", "duplicate-notebook", () => session.duplicateToLocal()),
      fileOpener(session)
    );
    const list = panel.appendChild(document.createElement("ul"));
    for (const entry of listLocalNotebooks()) {
      const link = list.appendChild(document.createElement("li")).appendChild(document.createElement("a"));
      link.href = localNotebookUrl(entry.id);
      link.textContent = entry.title;
      link.title = `saved ${new Date(entry.savedAt).toLocaleString()}`;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        openUrl(link.href);
      });
    }
  };

  bar.append(
    button("Download notebook", "download", () => void downloadNotebook(session.current())),
    button(
      "Revert to file",
      "revert",
      () => session.revertToFile(),
      "show the file as served (asks first; your edits are kept in My notebooks)"
    ),
    button("Handout…", "handout", () => openHandoutDialog(session))
  );
  if (import.meta.env.DEV) {
    bar.append(
      button(
        "Save to file",
        "save",
        async () => {
          session.flush();
          const response = await saveToFile({
            file: session.page.file,
            base: session.page.hash,
            notebook: session.current()
          });
          if (!response.ok) {
            showNotice(`not saved: ${response.error}`);
            if (response.notebook) session.showDiskConflict(response.notebook, response.hash!);
          } else session.savedToFile(response.hash);
        },
        `write ${session.page.file}`
      )
    );
  }

  const render = () => {
    if (document.activeElement !== title) title.value = session.notebook.title;
    const {source} = session;
    const full = "edits NOT saved: this browser's storage is full";
    where.textContent =
      source.kind === "import"
        ? `${source.name}: read-only, not run`
        : source.kind === "local"
          ? `in this browser (My notebooks) · ${session.unsaved ? full : "saved locally"}`
          : session.unsaved
            ? `${session.page.file} · ${full}`
            : session.hasLocalEdits
              ? `${session.page.file} · local edits saved in this browser`
              : session.page.file;
    title.readOnly = !session.trusted;
    for (const action of ["revert", "save"]) {
      const element = bar.querySelector<HTMLButtonElement>(`[data-action=${action}]`);
      if (element) element.disabled = source.kind !== "file" || !session.hasLocalEdits;
    }
  };
  session.onChange(render);
  render();
  document.querySelector("main")!.before(bar);
  return bar;
}

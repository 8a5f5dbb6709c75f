// The editing session of a notebook page: one CellView per cell, edits applied to the Notebook and to the running
// runtime (a cell and its dependents re-evaluate reactively: the cell's variables are deleted and notebook-kit's
// define() called again with the same state), autosave of every edit, and the questions the user must answer
// (conflicts, trusting an imported file). Untrusted notebooks are shown as text and nothing in them is defined.
import type {DefineState, Definition} from "@observablehq/notebook-kit/runtime";
import {define as runtimeDefine} from "../runtime.ts";
import {setCellRunning} from "../work.ts";
import {attachExportMenu} from "../export/menu.ts";
import {showBanner, differencesView, closeBanner} from "../persist/banner.ts";
import {createLocalNotebook, localNotebookUrl} from "../persist/local-notebooks.ts";
import {downloadNotebook} from "../notebook/file.ts";
import type {PageData} from "../persist/page-data.ts";
import {NotebookStore, draftKey, localKey, type StoredNotebook, type WriteResult} from "../persist/store.ts";
import {
  addCell,
  deleteCell,
  duplicateCell,
  moveCell,
  renameNotebook,
  sameNotebook,
  toEditableMode,
  updateCell,
  type Cell,
  type Notebook
} from "../notebook/cells.ts";
import {CellView, type CellAction} from "./cell-view.ts";
import {compileCell} from "./compile.ts";
import {currentObserver, invalidateObservers} from "./observers.ts";

export type NotebookSource = {kind: "file"} | {kind: "local"; id: string} | {kind: "import"; name: string};

const AUTOSAVE_DELAY_MS = 300;

export class Session {
  notebook: Notebook;
  source: NotebookSource;
  trusted: boolean;
  readonly views = new Map<number, CellView>();
  private store: NotebookStore | null = null;
  private revision: number | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<() => void>();
  /** the last autosave did not fit in storage: the edits live only in this page until a write succeeds */
  unsaved = false;
  readonly main: HTMLElement;

  constructor(readonly page: PageData) {
    this.notebook = page.notebook;
    this.source = {kind: "file"};
    this.trusted = true;
    this.main = document.querySelector("main")!;
    // Edits typed in the last moments before the page goes away are written now.
    addEventListener("pagehide", () => this.saveTimer && this.flush());
    // Edits that storage refused are in this page only: the browser asks before it goes away.
    addEventListener("beforeunload", (event) => {
      if (this.unsaved) event.preventDefault();
    });
  }

  /** `/notebooks/rounding.html`: where relative imports of the cells resolve from. */
  get notebookPath(): string {
    return `/${this.page.file}`;
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Wraps the cells the page's own script defined (the file, running as served). */
  adoptFile(fileStates: Map<number, DefineState>): void {
    const statics = [...this.main.children];
    for (const cell of this.notebook.cells) {
      const root = document.getElementById(`cell-${cell.id}`) as HTMLDivElement | null;
      const state: DefineState | undefined =
        fileStates.get(cell.id) ?? (root ? {root, expanded: [], variables: []} : undefined);
      const view = this.createView(cell, state);
      // notebook-kit renders a pinned cell's source as a highlighted <pre> after its root: the editor replaces it.
      const next = root?.nextElementSibling;
      if (cell.pinned && next?.tagName === "PRE") next.remove();
      this.main.appendChild(view.section);
    }
    for (const leftover of statics) if (leftover.isConnected && !leftover.closest(".gb-cell")) leftover.remove();
    this.attachStore(this.source.kind === "file" ? new NotebookStore(draftKey(this.page.file)) : null, null);
  }

  /** Replaces every cell with `notebook`'s; runs them only when trusted. */
  async load(notebook: Notebook, source: NotebookSource, trusted: boolean, stored?: StoredNotebook): Promise<void> {
    for (const view of this.views.values()) this.dispose(view);
    for (const view of this.views.values()) view.destroy();
    this.views.clear();
    this.main.replaceChildren();
    this.notebook = notebook;
    this.source = source;
    this.trusted = trusted;
    document.body.classList.toggle("gb-untrusted", !trusted);
    for (const cell of notebook.cells) this.main.appendChild(this.createView(cell).section);
    const key =
      source.kind === "file" ? draftKey(this.page.file) : source.kind === "local" ? localKey(source.id) : null;
    this.attachStore(key ? new NotebookStore(key) : null, stored?.revision ?? null);
    this.changed();
    if (trusted) await Promise.all(notebook.cells.map((cell) => this.run(cell.id)));
  }

  private createView(cell: Cell, state?: DefineState): CellView {
    const view = new CellView(
      cell,
      {
        action: (id, action) => void this.act(id, action),
        mode: (id, mode) => void this.edit(id, {mode: toEditableMode(mode)}, true),
        change: (id, value) => void this.edit(id, {value}, false)
      },
      !this.trusted,
      state
    );
    if (this.trusted) attachExportMenu(() => ({title: this.notebook.title, file: this.page.file}), view);
    this.views.set(cell.id, view);
    return view;
  }

  private async act(id: number, action: CellAction): Promise<void> {
    const view = this.views.get(id)!;
    switch (action) {
      case "run":
        return this.run(id);
      case "edit":
        return view.toggleEditing();
      case "pin":
        return this.edit(id, {pinned: !view.cell.pinned}, false);
      case "hide":
        return this.edit(id, {hidden: !view.cell.hidden}, true);
      case "up":
      case "down": {
        this.replace(moveCell(this.notebook, id, action === "up" ? -1 : 1));
        const index = this.notebook.cells.findIndex((c) => c.id === id);
        const after = this.views.get(this.notebook.cells[index + 1]?.id ?? -1);
        this.main.insertBefore(view.section, after?.section ?? null);
        view.bar.querySelector<HTMLElement>(`[data-action=${action}]`)?.focus();
        return;
      }
      case "delete": {
        const index = this.notebook.cells.findIndex((c) => c.id === id);
        this.replace(deleteCell(this.notebook, id));
        this.dispose(view);
        view.destroy();
        this.views.delete(id);
        const next = this.notebook.cells[Math.min(index, this.notebook.cells.length - 1)];
        (next && this.views.get(next.id)?.bar.querySelector<HTMLElement>("button"))?.focus();
        return;
      }
      case "duplicate":
      case "add": {
        const before = new Set(this.notebook.cells.map((c) => c.id));
        this.replace(action === "add" ? addCell(this.notebook, id) : duplicateCell(this.notebook, id));
        const cell = this.notebook.cells.find((c) => !before.has(c.id))!;
        const created = this.createView(cell);
        view.section.after(created.section);
        if (action === "add") created.focusEditor();
        else await this.run(cell.id);
        return;
      }
    }
  }

  /** Applies an edit to one cell; `rerun` for edits that change what the cell computes or shows. */
  async edit(id: number, patch: Partial<Cell>, rerun: boolean): Promise<void> {
    this.replace(updateCell(this.notebook, id, patch));
    const view = this.views.get(id)!;
    view.update(this.notebook.cells.find((c) => c.id === id)!);
    if (rerun) await this.run(id);
  }

  rename(title: string): void {
    this.replace(renameNotebook(this.notebook, title));
  }

  /** Compiles the cell's current source and redefines it; a compile error keeps the old definition running. */
  async run(id: number): Promise<void> {
    const view = this.views.get(id);
    if (!view || !this.trusted) return;
    if (view.value() !== view.cell.value) this.replace(updateCell(this.notebook, id, {value: view.value()}));
    const cell = this.notebook.cells.find((c) => c.id === id)!;
    view.cell = cell;
    let definition: Definition;
    try {
      definition = await compileCell(cell, this.notebookPath);
    } catch (error) {
      view.showError(error);
      return;
    }
    if (!this.views.has(id)) return; // deleted while compiling
    view.showError(null);
    this.dispose(view);
    runtimeDefine(view.state, definition, currentObserver);
  }

  /** Deletes a cell's runtime variables; its dependents then see its names as undefined until redefined. */
  private dispose(view: CellView): void {
    invalidateObservers(view.state);
    for (const variable of view.state.variables) variable.delete();
    view.state.variables = [];
    setCellRunning(view.state, false);
  }

  /** The definitions the runtime holds right now, for exports that read a cell's value. */
  cellState(id: number): DefineState | undefined {
    return this.views.get(id)?.state;
  }

  private replace(notebook: Notebook): void {
    this.notebook = notebook;
    this.changed();
    this.scheduleSave();
  }

  // --- keeping work ------------------------------------------------------------------------------------------

  private attachStore(store: NotebookStore | null, revision: number | null): void {
    this.store = store;
    this.revision = revision ?? store?.read()?.revision ?? null;
    store?.onOtherTab(() => {
      if (this.store !== store) return;
      const stored = store.read();
      if ((stored?.revision ?? null) !== this.revision) this.showTabConflict(stored);
    });
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flush(), AUTOSAVE_DELAY_MS);
  }

  /** Writes the notebook to local storage now (autosave calls this after a short pause in typing). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const store = this.store;
    if (!store || !this.trusted) return;
    const notebook = this.current();
    const isFile = this.source.kind === "file";
    if (isFile && sameNotebook(notebook, this.page.notebook)) {
      if ((store.read()?.revision ?? null) === this.revision) store.remove();
      this.revision = null;
      this.unsaved = false;
      closeBanner("storage-full");
      this.changed();
      return;
    }
    const result = store.write(notebook, this.revision, isFile ? {base: this.page.hash} : {});
    if (result.reason === "conflict") this.showTabConflict(result.stored);
    else this.wrote(result);
    this.changed();
  }

  /** Records a write's outcome: its revision, or (storage full) that the edits are in this page only. */
  private wrote(result: Exclude<WriteResult, {reason: "conflict"}>): void {
    this.unsaved = !result.ok;
    if (result.ok) {
      this.revision = result.revision;
      closeBanner("storage-full");
      return;
    }
    showBanner(
      "storage-full",
      "This browser's storage is full, so your latest edits are not saved in it. They are still here, on this page: " +
        "download the notebook to keep them, or delete notebooks from My notebooks (the next edit tries again).",
      [
        {id: "download", label: "Download notebook", run: () => void downloadNotebook(this.current())},
        {id: "dismiss", label: "Not now", run: () => {}}
      ]
    );
  }

  /** The notebook with every editor's current text. */
  current(): Notebook {
    return {
      ...this.notebook,
      cells: this.notebook.cells.map((c) => ({...c, value: this.views.get(c.id)?.value() ?? c.value}))
    };
  }

  /** Whether the page shows something other than its file as served. */
  get hasLocalEdits(): boolean {
    return this.source.kind !== "file" || !sameNotebook(this.current(), this.page.notebook);
  }

  private showTabConflict(stored: StoredNotebook | null): void {
    const mine = this.current();
    const store = this.store!;
    if (stored && sameNotebook(stored.notebook, mine)) {
      this.revision = stored.revision;
      return;
    }
    const theirs = stored?.notebook ?? (this.source.kind === "file" ? this.page.notebook : null);
    const details = theirs ? differencesView(mine, theirs, ["this tab", "the other tab"]) : undefined;
    showBanner(
      "tab-conflict",
      "This notebook was changed in another tab. Both versions are below: choose which one to keep.",
      [
        {
          id: "theirs",
          label: "Use the other tab's version",
          run: () => {
            // This tab's version is not thrown away: it becomes a local notebook.
            createLocalNotebook({...mine, title: `${mine.title} (other tab copy)`});
            if (theirs) void this.load(theirs, this.source, true, stored ?? undefined);
          }
        },
        {
          id: "mine",
          label: "Keep this tab's version",
          run: () => {
            if (theirs) createLocalNotebook({...theirs, title: `${theirs.title} (other tab copy)`});
            const result = store.write(mine, null, this.source.kind === "file" ? {base: this.page.hash} : {}, true);
            if (result.reason !== "conflict") this.wrote(result);
            this.changed();
          }
        }
      ],
      details
    );
  }

  /** Local edits of the file meet a file changed on disk, or a deep link: show both, let the user choose. */
  askAboutDraft(reason: "disk" | "link", stored: StoredNotebook): void {
    const message =
      reason === "disk"
        ? `${this.page.file} changed on disk since your local edits of ${new Date(stored.savedAt).toLocaleString()}. ` +
          "The page shows the file now. Choose which version to keep: the other one is kept in My notebooks."
        : "This link opens the notebook as published, but you have local edits of it " +
          `(${new Date(stored.savedAt).toLocaleString()}). The page shows the link's version now. Choose which to keep: ` +
          "the other one is kept in My notebooks.";
    showBanner(
      "draft-conflict",
      message,
      [
        {
          id: "mine",
          label: "Open my edits",
          run: () => {
            const draft = new NotebookStore(draftKey(this.page.file));
            createLocalNotebook({...this.page.notebook, title: `${this.page.notebook.title} (file version)`});
            // The edits now continue from the current file.
            const result = draft.write(stored.notebook, stored.revision, {base: this.page.hash}, true);
            if (result.reason === "full") this.wrote(result);
            void this.load(
              stored.notebook,
              {kind: "file"},
              true,
              result.ok ? {...stored, revision: result.revision} : stored
            );
          }
        },
        {
          id: "file",
          label: reason === "disk" ? "Use the file" : "Use the link's version",
          run: () => {
            createLocalNotebook({...stored.notebook, title: `${stored.notebook.title} (my edits)`});
            new NotebookStore(draftKey(this.page.file)).remove();
            this.revision = null;
            this.changed();
          }
        }
      ],
      differencesView(stored.notebook, this.page.notebook, ["my edits", reason === "disk" ? "file on disk" : "link"])
    );
  }

  /** The dev server refused a save: the file changed on disk. Both versions are shown; the user chooses. */
  showDiskConflict(theirs: Notebook, hash: string): void {
    const mine = this.current();
    showBanner(
      "disk-conflict",
      `${this.page.file} changed on disk since your edits started. Choose which version to keep: the other one is kept in My notebooks.`,
      [
        {
          id: "mine",
          label: "Keep my edits (save again to overwrite the file)",
          run: () => {
            createLocalNotebook({...theirs, title: `${theirs.title} (file version)`});
            this.page.hash = hash;
            this.page.notebook = theirs;
            this.flush();
          }
        },
        {
          id: "file",
          label: "Use the file",
          run: () => {
            createLocalNotebook({...mine, title: `${mine.title} (my edits)`});
            this.page.hash = hash;
            this.page.notebook = theirs;
            void this.load(theirs, {kind: "file"}, true);
          }
        }
      ],
      differencesView(mine, theirs, ["my edits", "file on disk"])
    );
  }

  /** The dev server wrote the file: it is now what the page serves, so there are no local edits left. */
  savedToFile(hash: string): void {
    this.page.hash = hash;
    this.page.notebook = this.current();
    this.flush();
  }

  /** Asks, then shows the file as served; the local edits are kept in My notebooks, as in every conflict. */
  revertToFile(): void {
    const mine = this.current();
    const copy = `${mine.title} (my edits)`;
    showBanner(
      "revert",
      `Revert to ${this.page.file}? The page then shows the file as served; your local edits are kept in ` +
        `My notebooks as "${copy}".`,
      [
        {
          id: "revert",
          label: "Revert to the file (keep my edits in My notebooks)",
          run: () => {
            createLocalNotebook({...this.current(), title: copy});
            if (this.saveTimer) clearTimeout(this.saveTimer);
            this.saveTimer = null;
            this.unsaved = false;
            new NotebookStore(draftKey(this.page.file)).remove();
            if (location.hash) location.replace(location.href.replace(/#.*$/, ""));
            else location.reload();
          }
        },
        {id: "cancel", label: "Cancel", run: () => {}}
      ],
      differencesView(mine, this.page.notebook, ["my edits", "file"])
    );
  }

  /** Saves the current notebook as a new local notebook and opens it. */
  duplicateToLocal(title = `${this.notebook.title} (copy)`): void {
    const id = createLocalNotebook({...this.current(), title});
    openUrl(localNotebookUrl(id));
  }

  closeBanner(kind: string): void {
    closeBanner(kind);
  }
}

/** Navigates, reloading when only the hash differs (the page decides what to show at load). */
export function openUrl(href: string): void {
  const before = location.href;
  location.href = href;
  if (new URL(before).pathname === new URL(href).pathname) location.reload();
}

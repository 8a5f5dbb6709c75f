// "My notebooks": notebooks that live only in this browser (new ones, duplicates, confirmed imports), each stored
// as a NotebookStore record under glassbox:local:<id> and opened in any notebook page as `#local=<id>`.
import {newCell, type Notebook} from "../editor/cells.ts";
import {NotebookStore, localKey} from "./store.ts";

const PREFIX = "glassbox:local:";

export interface LocalNotebookEntry {
  id: string;
  title: string;
  savedAt: number;
}

export function listLocalNotebooks(): LocalNotebookEntry[] {
  const entries: LocalNotebookEntry[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)!;
    if (!key.startsWith(PREFIX)) continue;
    const id = key.slice(PREFIX.length);
    const stored = new NotebookStore(key).read();
    if (stored) entries.push({id, title: stored.notebook.title, savedAt: stored.savedAt});
  }
  return entries.sort((a, b) => b.savedAt - a.savedAt);
}

/** Stores `notebook` as a new local notebook; returns its id. */
export function createLocalNotebook(notebook: Notebook): string {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  new NotebookStore(localKey(id)).write(notebook, null);
  return id;
}

export function blankNotebook(title = "Untitled notebook"): Notebook {
  return {
    title,
    theme: "air",
    readOnly: false,
    cells: [newCell(1, "md", `# ${title}`), newCell(2, "js", "1 + 1")]
  };
}

export function localNotebookUrl(id: string): string {
  const url = new URL(location.href);
  url.search = "";
  url.hash = `local=${id}`;
  return url.href;
}

export function localIdFromHash(hash = location.hash): string | null {
  const match = /^#local=([\w-]+)$/.exec(hash);
  return match ? match[1]! : null;
}

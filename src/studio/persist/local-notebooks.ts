// "My notebooks": notebooks that live only in this browser (new ones, duplicates, confirmed imports), each stored
// as a NotebookStore record under glassbox:local:<id> and opened in any notebook page as `#local=<id>`.
import {newCell, type Notebook} from "../notebook/cells.ts";
import {NotebookStore, StorageFullError, localKey} from "./store.ts";

const PREFIX = "glassbox:local:";

export interface LocalNotebookEntry {
  id: string;
  title: string;
  savedAt: number;
}

export function listLocalNotebooks(): LocalNotebookEntry[] {
  const entries: LocalNotebookEntry[] = [];
  // the keys first: reading may set a record aside, which changes localStorage's indices
  const keys = Object.keys(localStorage).filter((key) => key.startsWith(PREFIX));
  for (const key of keys) {
    const stored = new NotebookStore(key).read();
    if (stored) entries.push({id: key.slice(PREFIX.length), title: stored.notebook.title, savedAt: stored.savedAt});
  }
  return entries.sort((a, b) => b.savedAt - a.savedAt);
}

/** Stores `notebook` as a new local notebook; returns its id. Throws StorageFullError when it cannot be kept. */
export function createLocalNotebook(notebook: Notebook): string {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  if (!new NotebookStore(localKey(id)).write(notebook, null).ok) throw new StorageFullError();
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

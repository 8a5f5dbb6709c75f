// What a notebook page shows when it opens, decided synchronously before its cells are defined: the file, the local
// edits of the file (restored after a reload or a crash), a local notebook (`#local=<id>`), or, when local edits
// meet a file that changed on disk or a deep link, the file plus a question (see conflicts.ts).
import {sameNotebook} from "../notebook/cells.ts";
import {localIdFromHash} from "./local-notebooks.ts";
import type {PageData} from "./page-data.ts";
import {NotebookStore, draftKey, localKey, type StoredNotebook} from "./store.ts";

export type Startup =
  | {kind: "file"}
  | {kind: "draft"; stored: StoredNotebook}
  | {kind: "local"; id: string; stored: StoredNotebook}
  | {kind: "missing-local"; id: string}
  | {kind: "conflict"; reason: "disk" | "link"; stored: StoredNotebook};

export function planStartup(page: PageData, hash = location.hash, search = location.search): Startup {
  const localId = localIdFromHash(hash);
  if (localId) {
    const stored = new NotebookStore(localKey(localId)).read();
    return stored ? {kind: "local", id: localId, stored} : {kind: "missing-local", id: localId};
  }
  const draftStore = new NotebookStore(draftKey(page.file));
  const stored = draftStore.read();
  if (!stored) return {kind: "file"};
  if (sameNotebook(stored.notebook, page.notebook)) {
    draftStore.remove(); // the edits reached the file (saved back, or made again on disk): nothing to restore
    return {kind: "file"};
  }
  if (stored.base !== page.hash) return {kind: "conflict", reason: "disk", stored};
  if (search !== "") return {kind: "conflict", reason: "link", stored};
  return {kind: "draft", stored};
}

/** Whether the page runs its file's cells as served (otherwise the session defines the local version). */
export function runsFile(startup: Startup): boolean {
  return startup.kind === "file" || startup.kind === "missing-local" || startup.kind === "conflict";
}

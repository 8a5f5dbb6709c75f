// Local copies of notebooks in localStorage (synchronous, so the page can decide before its cells are defined whether
// to run the file or the local copy). Every record carries a revision: a write names the revision it started from
// and is refused when another tab wrote in between, so two tabs never silently overwrite each other; the `storage`
// event tells the other tabs at once. (Not a BroadcastChannel: its message can reach another tab's renderer before the
// localStorage write does, and that tab then reads the old record and misses the conflict. The storage event fires
// only once the new value is visible there.)
import type {Notebook} from "../editor/cells.ts";

export interface StoredNotebook {
  notebook: Notebook;
  /** incremented by every write */
  revision: number;
  /** Date.now() of the write */
  savedAt: number;
  /** the tab that wrote it */
  tab: string;
  /** for a draft of a file: the sha256 of the file text the edits started from */
  base?: string;
}

export type WriteResult = {ok: true; revision: number} | {ok: false; stored: StoredNotebook};

export const TAB_ID = Math.random().toString(36).slice(2, 10);
export class NotebookStore {
  constructor(readonly key: string) {}

  read(): StoredNotebook | null {
    const text = localStorage.getItem(this.key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as StoredNotebook;
    } catch {
      return null; // a torn write cannot happen with localStorage; a foreign value is treated as absent
    }
  }

  /**
   * Writes `notebook` if the stored revision is still `expected` (null: nothing stored yet); otherwise returns what
   * is stored and writes nothing. `force` writes anyway (the user chose their version).
   */
  write(notebook: Notebook, expected: number | null, extra: {base?: string} = {}, force = false): WriteResult {
    const stored = this.read();
    if (!force && (stored?.revision ?? null) !== expected) return {ok: false, stored: stored!};
    const record: StoredNotebook = {
      notebook,
      revision: (stored?.revision ?? 0) + 1,
      savedAt: Date.now(),
      tab: TAB_ID,
      ...extra
    };
    localStorage.setItem(this.key, JSON.stringify(record));
    return {ok: true, revision: record.revision};
  }

  remove(): void {
    localStorage.removeItem(this.key);
  }

  /** Calls `listener` when another tab writes or removes this record (or clears the storage), once read() sees it. */
  onOtherTab(listener: () => void): void {
    addEventListener("storage", (event) => {
      if (event.storageArea === localStorage && (event.key === this.key || event.key === null)) listener();
    });
  }
}

export const draftKey = (file: string) => `glassbox:draft:${file}`;
export const localKey = (id: string) => `glassbox:local:${id}`;

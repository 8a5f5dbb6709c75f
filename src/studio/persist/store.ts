// Local copies of notebooks in localStorage (synchronous, so the page can decide before its cells are defined whether
// to run the file or the local copy). Every record carries a revision: a write names the revision it started from
// and is refused when another tab wrote in between, so two tabs never silently overwrite each other; the `storage`
// event tells the other tabs at once. (Not a BroadcastChannel: its message can reach another tab's renderer before the
// localStorage write does, and that tab then reads the old record and misses the conflict. The storage event fires
// only once the new value is visible there.)
// Nothing stored is ever lost: a full quota is a result the caller shows (the edit stays in memory), and a value that
// is not a record of this shape (another version, a hand edit) is set aside under its own key and reported, never
// deleted or overwritten.
import type {Notebook} from "../notebook/cells.ts";
import {showNotice} from "../notices.ts";

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

export type WriteResult =
  | {ok: true; revision: number; reason?: undefined}
  /** another tab wrote (or removed) the record since `expected` */
  | {ok: false; reason: "conflict"; stored: StoredNotebook | null}
  /** the browser's storage quota is full: nothing was written */
  | {ok: false; reason: "full"};

/** Thrown where a copy must be kept before anything else happens (a conflict's other version) and cannot be. */
export class StorageFullError extends Error {
  constructor() {
    super(
      "this browser's storage is full, so nothing was changed: download the notebook to keep it, " +
        "or delete notebooks from My notebooks, then try again"
    );
  }
}

const SET_ASIDE_PREFIX = "glassbox:set-aside:";

export const TAB_ID = Math.random().toString(36).slice(2, 10);
export class NotebookStore {
  constructor(readonly key: string) {}

  /** The record, or null when there is none or it is not a record (then it is set aside, see setAside). */
  read(): StoredNotebook | null {
    const text = localStorage.getItem(this.key);
    if (text === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (isStoredNotebook(value)) return value;
    this.setAside(text);
    return null;
  }

  /** Moves a value that is not a record out of the way, under glassbox:set-aside:<time>:<key>, and says so. */
  private setAside(text: string): void {
    const aside = `${SET_ASIDE_PREFIX}${Date.now()}:${this.key}`;
    try {
      localStorage.setItem(aside, text);
    } catch {
      showNotice(`${this.key} in this browser's storage is not a notebook record; it is left as it is and not used.`);
      return;
    }
    localStorage.removeItem(this.key);
    showNotice(
      `${this.key} in this browser's storage was not a notebook record: it is kept, unchanged, under ${aside} ` +
        "(nothing was deleted) and the page does not use it."
    );
  }

  /**
   * Writes `notebook` if the stored revision is still `expected` (null: nothing stored yet); otherwise returns what
   * is stored and writes nothing. `force` writes anyway (the user chose their version).
   */
  write(notebook: Notebook, expected: number | null, extra: {base?: string} = {}, force = false): WriteResult {
    const stored = this.read();
    // a value read() could not set aside (storage full) is not overwritten either
    if (stored === null && localStorage.getItem(this.key) !== null) return {ok: false, reason: "full"};
    if (!force && (stored?.revision ?? null) !== expected) return {ok: false, reason: "conflict", stored};
    const record: StoredNotebook = {
      notebook,
      revision: (stored?.revision ?? 0) + 1,
      savedAt: Date.now(),
      tab: TAB_ID,
      ...extra
    };
    try {
      localStorage.setItem(this.key, JSON.stringify(record));
    } catch {
      // QuotaExceededError (Firefox: NS_ERROR_DOM_QUOTA_REACHED): setItem throws nothing else once getItem worked
      return {ok: false, reason: "full"};
    }
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

function isStoredNotebook(value: unknown): value is StoredNotebook {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<StoredNotebook>;
  return (
    Number.isInteger(record.revision) &&
    typeof record.savedAt === "number" &&
    typeof record.tab === "string" &&
    (record.base === undefined || typeof record.base === "string") &&
    isNotebook(record.notebook)
  );
}

function isNotebook(value: unknown): value is Notebook {
  if (typeof value !== "object" || value === null) return false;
  const notebook = value as Partial<Notebook>;
  return (
    typeof notebook.title === "string" &&
    (typeof notebook.theme === "string" || (typeof notebook.theme === "object" && notebook.theme !== null)) &&
    typeof notebook.readOnly === "boolean" &&
    Array.isArray(notebook.cells) &&
    notebook.cells.every(
      (cell: unknown) =>
        typeof cell === "object" &&
        cell !== null &&
        Number.isInteger((cell as {id?: unknown}).id) &&
        typeof (cell as {value?: unknown}).value === "string" &&
        typeof (cell as {mode?: unknown}).mode === "string" &&
        typeof (cell as {pinned?: unknown}).pinned === "boolean" &&
        typeof (cell as {hidden?: unknown}).hidden === "boolean"
    )
  );
}

export const draftKey = (file: string) => `glassbox:draft:${file}`;
export const localKey = (id: string) => `glassbox:local:${id}`;

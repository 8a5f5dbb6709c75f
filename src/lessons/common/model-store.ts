// The model a user loaded from disk, kept in this browser's IndexedDB so that every notebook's model picker offers it
// until the user presses Forget. One slot: loading another model replaces it. The files never leave the machine;
// IndexedDB is per origin, so a classroom server at another address (or another browser) does not see it.
import type {Config} from "../../engine/index.ts";

const DATABASE = "glassbox-models";
const STORE = "models";
const SLOT = "loaded";

export interface StoredModel {
  /** what the picker calls it and the deep link names: the checkpoint's file name without .bin */
  name: string;
  checkpointName: string;
  tokenizerName: string;
  config: Config;
  /** Blobs: IndexedDB keeps them on disk and reads them only when the model is opened */
  checkpoint: Blob;
  tokenizer: Blob;
  /** Date.now() when it was stored */
  savedAt: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function openStore(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  if (typeof indexedDB === "undefined") throw new Error("this browser has no IndexedDB");
  const open = indexedDB.open(DATABASE, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await request(open);
  return db.transaction(STORE, mode).objectStore(STORE);
}

/** The stored model, or null when there is none or the browser keeps no storage (private windows may not). */
export async function readStoredModel(): Promise<StoredModel | null> {
  try {
    return ((await request((await openStore("readonly")).get(SLOT))) as StoredModel | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Keeps `model` in the slot; throws `cannot keep <name> in this browser: <reason>` (e.g. over the storage quota). */
export async function storeModel(model: StoredModel): Promise<void> {
  try {
    await request((await openStore("readwrite")).put(model, SLOT));
  } catch (error) {
    throw new Error(`cannot keep ${model.name} in this browser: ${(error as Error).message}`, {cause: error});
  }
}

export async function forgetStoredModel(): Promise<void> {
  await request((await openStore("readwrite")).delete(SLOT));
}

// The model a user loaded from disk, kept in this browser so that every notebook's model picker offers it until the
// user presses Forget. One slot: loading another model replaces it. The files never leave the machine; storage is
// per origin, so a classroom server at another address (or another browser) does not see it.
// - a llama2.c checkpoint and tokenizer: both Blobs in IndexedDB;
// - a GGUF file: its bytes in the origin private file system (OPFS) when the browser has it, read back as a File
//   (by reference, from disk, range by range) so no page holds a second copy in memory; else a Blob in IndexedDB.
//   The slot's record (name, sizes, where the bytes are) is in IndexedDB either way.
import type {Config} from "../../engine/index.ts";
import {formatBytes} from "./gguf-preview.ts";

const DATABASE = "glassbox-models";
const STORE = "models";
const SLOT = "loaded";
const OPFS_FOLDER = "glassbox-models";
const OPFS_FILE = "loaded.gguf";
/** bytes per write into OPFS: the progress steps */
const CHUNK = 8 * 2 ** 20;

export interface StoredCheckpoint {
  kind?: "llama2c"; // absent in records written before GGUF files could be kept
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

export interface StoredGguf {
  kind: "gguf";
  /** the file's name without .gguf */
  name: string;
  fileName: string;
  /** "opfs": the bytes are a file in the origin private file system; "indexeddb": a Blob in the record */
  where: "opfs" | "indexeddb";
  /** the bytes (from OPFS: a File read from disk on demand) */
  file: Blob;
  savedAt: number;
}

export type StoredModel = StoredCheckpoint | StoredGguf;

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

async function opfsFolder(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(OPFS_FOLDER, {create: true}));
  } catch {
    return null;
  }
}

/** The stored model, or null when there is none or the browser keeps no storage (private windows may not). */
export async function readStoredModel(): Promise<StoredModel | null> {
  try {
    const record = (await request((await openStore("readonly")).get(SLOT))) as StoredModel | undefined;
    if (!record) return null;
    if (record.kind === "gguf" && record.where === "opfs") {
      const folder = await opfsFolder();
      if (!folder) return null;
      return {...record, file: await (await folder.getFileHandle(OPFS_FILE)).getFile()};
    }
    return record;
  } catch {
    return null;
  }
}

/** Keeps a checkpoint in the slot; throws `cannot keep <name> in this browser: <reason>` (e.g. over the quota). */
export async function storeModel(model: StoredCheckpoint): Promise<void> {
  try {
    await request((await openStore("readwrite")).put({...model, kind: "llama2c"}, SLOT));
    await removeOpfsFile();
  } catch (error) {
    throw new Error(`cannot keep ${model.name} in this browser: ${(error as Error).message}`, {cause: error});
  }
}

export interface StoreGgufOptions {
  onProgress?: (written: number, total: number) => void;
  signal?: AbortSignal;
  /** navigator.storage.estimate(), replaceable in tests */
  estimate?: () => Promise<StorageEstimate>;
}

/**
 * Keeps a GGUF file in the slot, in OPFS (else IndexedDB), and returns the record with the stored bytes. Checks the
 * quota first: `cannot keep <name> in this browser: it needs X, and this site may store about Y more …`.
 */
export async function storeGguf(
  file: File,
  name: string,
  {onProgress, signal, estimate = () => navigator.storage.estimate()}: StoreGgufOptions = {}
): Promise<StoredGguf> {
  const fail = (reason: string, cause?: unknown) =>
    new Error(`cannot keep ${name} in this browser: ${reason}`, {cause});
  const quota = await estimate().catch(() => null);
  if (quota?.quota !== undefined) {
    // the slot's current bytes are replaced, so they count as free
    const old = await readStoredModel();
    const oldBytes = old?.kind === "gguf" ? old.file.size : 0;
    const free = quota.quota - (quota.usage ?? 0) + oldBytes;
    if (file.size > free) throw fail(quotaProblem(file.size, free));
  }
  const record = {kind: "gguf" as const, name, fileName: file.name, savedAt: Date.now()};
  try {
    const folder = await opfsFolder();
    const stored = folder ? await writeOpfs(folder, file, {onProgress, signal}) : null;
    if (stored) {
      await request((await openStore("readwrite")).put({...record, where: "opfs"}, SLOT));
      return {...record, where: "opfs", file: stored};
    }
    signal?.throwIfAborted();
    await request((await openStore("readwrite")).put({...record, where: "indexeddb", file}, SLOT));
    onProgress?.(file.size, file.size);
    return {...record, where: "indexeddb", file};
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    if ((error as Error).name === "QuotaExceededError") {
      const left = await estimate().catch(() => null);
      const free = left?.quota !== undefined ? left.quota - (left.usage ?? 0) : null;
      throw fail(quotaProblem(file.size, free), error);
    }
    throw fail((error as Error).message, error);
  }
}

function quotaProblem(needed: number, free: number | null): string {
  return (
    `it needs ${formatBytes(needed)} of storage, and this site may store ${free === null ? "less" : `about ${formatBytes(Math.max(0, free))} more`}; ` +
    "free disk space or this site's other data (browser settings → site data), or use the model on this page only (it stays loaded until you leave)"
  );
}

/** Copies `file` into OPFS chunk by chunk; null when this browser cannot write OPFS files from a page. */
async function writeOpfs(
  folder: FileSystemDirectoryHandle,
  file: File,
  {onProgress, signal}: Pick<StoreGgufOptions, "onProgress" | "signal">
): Promise<File | null> {
  const handle = await folder.getFileHandle(OPFS_FILE, {create: true});
  if (typeof handle.createWritable !== "function") return null; // Safari writes OPFS only from workers
  const writable = await handle.createWritable();
  try {
    for (let offset = 0; offset < file.size; offset += CHUNK) {
      signal?.throwIfAborted();
      await writable.write(file.slice(offset, offset + CHUNK));
      onProgress?.(Math.min(file.size, offset + CHUNK), file.size);
    }
    signal?.throwIfAborted();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw error;
  }
  await writable.close();
  return handle.getFile();
}

async function removeOpfsFile(): Promise<void> {
  const folder = await opfsFolder();
  await folder?.removeEntry(OPFS_FILE).catch(() => undefined);
}

export async function forgetStoredModel(): Promise<void> {
  await request((await openStore("readwrite")).delete(SLOT));
  await removeOpfsFile();
}

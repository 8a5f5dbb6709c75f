// The model a user loaded from disk, kept in this browser so that every notebook's model picker offers it until the
// user presses Forget. One slot: loading another model replaces it. The files never leave the machine; storage is
// per origin, so a classroom server at another address (or another browser) does not see it.
// - a llama2.c checkpoint and tokenizer: both Blobs in IndexedDB;
// - a GGUF file or a Hugging Face folder's files: in the origin private file system (OPFS) when the browser has it,
//   read back as Files (by reference, from disk, range by range) so no page holds a second copy in memory; else Blobs
//   in IndexedDB. The slot's record (name, file names, where the bytes are) is in IndexedDB either way; each store
//   writes a fresh OPFS folder and then switches the record to it, so a cancelled or failed store leaves the old model.
import type {Config} from "../../engine/index.ts";
import type {FolderFile} from "./folder-preview.ts";
import {formatBytes} from "./gguf-preview.ts";

const DATABASE = "glassbox-models";
const STORE = "models";
const SLOT = "loaded";
const OPFS_FOLDER = "glassbox-models";
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

export interface StoredFiles {
  /** one GGUF file, or a Hugging Face folder's files */
  kind: "gguf" | "hf";
  /** the GGUF file's name without .gguf, or the folder's name */
  name: string;
  /** "opfs": the files are in the origin private file system; "indexeddb": Blobs in the record */
  where: "opfs" | "indexeddb";
  /** the bytes by file name (from OPFS: Files read from disk on demand) */
  files: FolderFile[];
  savedAt: number;
}

/** The slot's record as kept in IndexedDB: for OPFS, the folder and file names instead of the bytes. */
type FilesRecord = Omit<StoredFiles, "files"> & {files?: FolderFile[]; opfsFolder?: string; fileNames?: string[]};

export type StoredModel = StoredCheckpoint | StoredFiles;

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

async function opfsRoot(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(OPFS_FOLDER, {create: true}));
  } catch {
    return null;
  }
}

/** The stored model, or null when there is none or the browser keeps no storage (private windows may not). */
export async function readStoredModel(): Promise<StoredModel | null> {
  try {
    const record = (await request((await openStore("readonly")).get(SLOT))) as
      StoredCheckpoint | FilesRecord | undefined;
    if (!record) return null;
    if (record.kind !== "gguf" && record.kind !== "hf") return record as StoredCheckpoint;
    const {opfsFolder, fileNames, ...stored} = record;
    if (record.where === "indexeddb") return {...stored, files: record.files ?? []};
    const folder = await (await opfsRoot())?.getDirectoryHandle(opfsFolder!);
    if (!folder) return null;
    const files = await Promise.all(
      fileNames!.map(async (name) => ({name, blob: await (await folder.getFileHandle(name)).getFile()}))
    );
    return {...stored, files};
  } catch {
    return null;
  }
}

/** Keeps a checkpoint in the slot; throws `cannot keep <name> in this browser: <reason>` (e.g. over the quota). */
export async function storeModel(model: StoredCheckpoint): Promise<void> {
  try {
    await request((await openStore("readwrite")).put({...model, kind: "llama2c"}, SLOT));
    await removeOpfsFolders();
  } catch (error) {
    throw new Error(`cannot keep ${model.name} in this browser: ${(error as Error).message}`, {cause: error});
  }
}

export interface StoreFilesOptions {
  onProgress?: (written: number, total: number) => void;
  signal?: AbortSignal;
  /** navigator.storage.estimate(), replaceable in tests */
  estimate?: () => Promise<StorageEstimate>;
}

/**
 * Keeps a GGUF file or a folder's files in the slot, in OPFS (else IndexedDB), and returns the record with the
 * stored bytes. Checks the quota first: `cannot keep <name> in this browser: it needs X, and this site may store
 * about Y more …`.
 */
export async function storeFiles(
  kind: StoredFiles["kind"],
  name: string,
  files: readonly FolderFile[],
  {onProgress, signal, estimate = () => navigator.storage.estimate()}: StoreFilesOptions = {}
): Promise<StoredFiles> {
  const fail = (reason: string, cause?: unknown) =>
    new Error(`cannot keep ${name} in this browser: ${reason}`, {cause});
  const total = files.reduce((sum, f) => sum + f.blob.size, 0);
  const quota = await estimate().catch(() => null);
  if (quota?.quota !== undefined) {
    // the slot's current bytes are replaced, so they count as free
    const old = await readStoredModel();
    const oldBytes = old && "files" in old ? old.files.reduce((sum, f) => sum + f.blob.size, 0) : 0;
    const free = quota.quota - (quota.usage ?? 0) + oldBytes;
    if (total > free) throw fail(quotaProblem(total, free));
  }
  const savedAt = Date.now();
  const record = {kind, name, savedAt};
  try {
    const root = await opfsRoot();
    const opfsFolder = `slot-${savedAt}`;
    const stored = root ? await writeOpfs(root, opfsFolder, files, total, {onProgress, signal}) : null;
    if (stored) {
      const fileNames = files.map((f) => f.name);
      await request((await openStore("readwrite")).put({...record, where: "opfs", opfsFolder, fileNames}, SLOT));
      await removeOpfsFolders(opfsFolder);
      return {...record, where: "opfs", files: stored};
    }
    signal?.throwIfAborted();
    const copies = files.map((f) => ({name: f.name, blob: f.blob}));
    await request((await openStore("readwrite")).put({...record, where: "indexeddb", files: copies}, SLOT));
    await removeOpfsFolders();
    onProgress?.(total, total);
    return {...record, where: "indexeddb", files: copies};
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    if ((error as Error).name === "QuotaExceededError") {
      const left = await estimate().catch(() => null);
      const free = left?.quota !== undefined ? left.quota - (left.usage ?? 0) : null;
      throw fail(quotaProblem(total, free), error);
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

/**
 * Copies the files into a new OPFS folder chunk by chunk; null when this browser cannot write OPFS files from a page
 * (Safari writes them only from workers). A failed or cancelled copy removes its folder.
 */
async function writeOpfs(
  root: FileSystemDirectoryHandle,
  name: string,
  files: readonly FolderFile[],
  total: number,
  {onProgress, signal}: Pick<StoreFilesOptions, "onProgress" | "signal">
): Promise<FolderFile[] | null> {
  const folder = await root.getDirectoryHandle(name, {create: true});
  const stored: FolderFile[] = [];
  let written = 0;
  try {
    for (const file of files) {
      const handle = await folder.getFileHandle(file.name, {create: true});
      if (typeof handle.createWritable !== "function") {
        await root.removeEntry(name, {recursive: true});
        return null;
      }
      const writable = await handle.createWritable();
      try {
        for (let offset = 0; offset < file.blob.size; offset += CHUNK) {
          signal?.throwIfAborted();
          await writable.write(file.blob.slice(offset, offset + CHUNK));
          written += Math.min(CHUNK, file.blob.size - offset);
          onProgress?.(written, total);
        }
        signal?.throwIfAborted();
      } catch (error) {
        await writable.abort().catch(() => undefined);
        throw error;
      }
      await writable.close();
      stored.push({name: file.name, blob: await handle.getFile()});
    }
  } catch (error) {
    await root.removeEntry(name, {recursive: true}).catch(() => undefined);
    throw error;
  }
  return stored;
}

/** Removes every stored OPFS folder but `keep`. */
async function removeOpfsFolders(keep?: string): Promise<void> {
  const root = await opfsRoot();
  if (!root) return;
  const names: string[] = [];
  for await (const name of (root as unknown as {keys(): AsyncIterable<string>}).keys()) names.push(name);
  for (const name of names) if (name !== keep) await root.removeEntry(name, {recursive: true}).catch(() => undefined);
}

export async function forgetStoredModel(): Promise<void> {
  await request((await openStore("readwrite")).delete(SLOT));
  await removeOpfsFolders();
}

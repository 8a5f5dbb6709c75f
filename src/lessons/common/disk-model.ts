// What the user gave the loader, sorted out: one .gguf file, or the files of a Hugging Face folder (config.json,
// safetensors weights, tokenizer files), picked with `multiple`, as a directory (webkitdirectory) or dropped. Each
// is previewed from its headers alone; a set of files that is neither gets a message saying what is expected.
import {blobSource} from "../../model-files/gguf/index.ts";
import {blobFolder, previewFolder, type FolderFile} from "./folder-preview.ts";
import {previewGgufSource, type ModelPreview} from "./gguf-preview.ts";
import {folderChoice, ggufChoice, type ModelChoice} from "./model-choice.ts";

export interface DiskModel {
  kind: "gguf" | "hf";
  /** the choice's key: the GGUF file's name without .gguf, or the folder's name */
  name: string;
  /** "stories260K.q8_0.gguf" or "rand-256-llama/ (2 files)" */
  title: string;
  files: FolderFile[];
  bytes: number;
  preview: ModelPreview;
}

/** Sorts out and previews the given files; `folder` is the directory's name when the files came as one. */
export async function readDiskModel(given: readonly FolderFile[], folder: string | null): Promise<DiskModel> {
  const files = [...given];
  const bytes = files.reduce((sum, f) => sum + f.blob.size, 0);
  if (files.length === 0) throw new Error("no files were given; pick or drop a .gguf file or a model folder");
  const gguf = files.filter((f) => /\.gguf$/i.test(f.name));
  const isFolder = files.some((f) => f.name === "config.json");
  if (files.length === 1 && !isFolder) {
    const [file] = files;
    const preview = await previewGgufSource(blobSource(file!.blob, file!.name));
    return {kind: "gguf", name: stem(file!.name), title: file!.name, files, bytes, preview};
  }
  if (!isFolder)
    throw new Error(
      gguf.length > 1
        ? `${gguf.length} GGUF files were given (${gguf.map((f) => f.name).join(", ")}); load one at a time`
        : `${files.length} files were given without a config.json (${files
            .slice(0, 4)
            .map((f) => f.name)
            .join(
              ", "
            )}${files.length > 4 ? ", …" : ""}): a Hugging Face folder needs config.json and model.safetensors; a GGUF model is one .gguf file`
    );
  const name = folder ?? "hf-model";
  const preview = await previewFolder(blobFolder(name, files));
  return {kind: "hf", name, title: `${name}/ (${files.length} files)`, files, bytes, preview};
}

/** The model as a picker choice, reading from `files` (the given ones, or the stored copies). */
export function diskModelChoice(m: Pick<DiskModel, "kind" | "name" | "preview">, files: FolderFile[]): ModelChoice {
  return m.kind === "gguf" ? ggufChoice(files[0]!.blob, m.name, m.preview) : folderChoice(files, m.name, m.preview);
}

/** The files of an <input type=file> (a directory pick gives paths in webkitRelativePath: its first part is the folder). */
export function inputFiles(list: FileList | null): {files: FolderFile[]; folder: string | null} {
  const files = [...(list ?? [])];
  const folder = files[0]?.webkitRelativePath ? files[0].webkitRelativePath.split("/")[0]! : null;
  return {files: files.map((f) => ({name: f.name, blob: f})), folder};
}

/**
 * The files of a drop: plain files, or the files at the top of one dropped directory. The entries must be taken
 * while the drop event is dispatched, so call this synchronously in the handler and await its result.
 */
export function droppedFiles(transfer: DataTransfer | null): Promise<{files: FolderFile[]; folder: string | null}> {
  const items = [...(transfer?.items ?? [])].filter((i) => i.kind === "file");
  const entries = items.map((i) => (typeof i.webkitGetAsEntry === "function" ? i.webkitGetAsEntry() : null));
  const directory = entries.length === 1 && entries[0]?.isDirectory ? (entries[0] as FileSystemDirectoryEntry) : null;
  const plain = [...(transfer?.files ?? [])].map((f) => ({name: f.name, blob: f as Blob}));
  if (!directory) return Promise.resolve({files: plain, folder: null});
  return readDirectory(directory).then((files) => ({files, folder: directory.name}));
}

async function readDirectory(directory: FileSystemDirectoryEntry): Promise<FolderFile[]> {
  const reader = directory.createReader();
  const entries: FileSystemEntry[] = [];
  // readEntries gives the entries in batches until an empty one
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    entries.push(...batch);
  }
  const files = entries.filter((e): e is FileSystemFileEntry => e.isFile);
  return Promise.all(
    files.map(
      (e) => new Promise<FolderFile>((resolve, reject) => e.file((f) => resolve({name: f.name, blob: f}), reject))
    )
  );
}

function stem(file: string): string {
  return file.replace(/\.gguf$/i, "") || file;
}

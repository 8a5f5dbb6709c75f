// A directory in Node as a ModelFolder: its file names, each file opened as a FileSource when asked (kept open until
// close()).
import {readdir, stat} from "node:fs/promises";
import {join} from "node:path";
import {openFileSource, type FileSource} from "../gguf/source.node.ts";
import type {ModelFolder} from "./folder.ts";

export interface DirectoryFolder extends ModelFolder {
  close(): Promise<void>;
}

export async function openDirectory(path: string): Promise<DirectoryFolder> {
  let files: string[];
  try {
    if (!(await stat(path)).isDirectory()) throw new Error("not a directory");
    const entries = await readdir(path, {withFileTypes: true});
    files = entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (error as Error).message;
    throw new Error(`cannot read ${path}: ${reason}; check the path`, {cause: error});
  }
  const open: FileSource[] = [];
  return {
    name: path,
    files,
    async open(file) {
      const source = await openFileSource(join(path, file));
      open.push(source);
      return source;
    },
    close: async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    }
  };
}

// Files a command reads and writes: two outputs, or an output and an input, that are one file would silently destroy
// one of them (`quantize --in x --out x` turned a 1 MB input into its 4 KB blocks), so the command refuses first.
import {realpathSync, statSync} from "node:fs";
import {basename, dirname, join, resolve} from "node:path";

/** One string per file: its inode when it exists (hard links, symlinks), else its real folder and name. */
function fileIdentity(path: string): string {
  try {
    const stats = statSync(path);
    return `inode ${stats.dev}:${stats.ino}`;
  } catch {
    // not written yet
  }
  const absolute = resolve(path);
  try {
    return `path ${join(realpathSync(dirname(absolute)), basename(absolute))}`;
  } catch {
    return `path ${absolute}`;
  }
}

/**
 * Throws when an output flag names the same file as an input or as another output (flags map to paths; undefined
 * means not given). Two inputs may be one file.
 */
export function refuseSameFile(
  inputs: Record<string, string | boolean | undefined>,
  outputs: Record<string, string | boolean | undefined>
): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(inputs))
    if (typeof path === "string" && !seen.has(fileIdentity(path))) seen.set(fileIdentity(path), flag);
  for (const [flag, path] of Object.entries(outputs)) {
    if (typeof path !== "string") continue;
    const identity = fileIdentity(path);
    const other = seen.get(identity);
    if (other !== undefined)
      throw new Error(
        `invalid ${flag}: ${path} is also --${other} (writing it would overwrite that file; choose another path)`
      );
    seen.set(identity, flag);
  }
}

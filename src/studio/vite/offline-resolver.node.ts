// Safety net for offline use: every `https://cdn.jsdelivr.net/npm/...` and `npm:` module specifier (notebook-kit's
// stdlib loaders, `npm:` imports in cells, OJS `import("x")`) resolves to the installed package, or to a stub that
// throws "<name> is not bundled offline" when imported. Nothing is ever fetched from a CDN.
import {readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import type {Alias, Plugin} from "vite";
import {formatLocalSpecifier, importedNames, stubModule, toLocalSpecifier} from "./offline-specifier.ts";

/** Marks the stub modules (also in build logs, where the leading \0 is printed escaped). */
export const OFFLINE_STUB_MARKER = "glassbox-offline-stub:";
const OFFLINE_STUB_PREFIX = `\0${OFFLINE_STUB_MARKER}`;

/**
 * Vite's dev server leaves `https:` specifiers alone unless an alias matches them; these identity aliases make it
 * hand them to `offlineResolver()`'s resolveId.
 */
export const offlineAliases: Alias[] = [
  {find: /^(https:\/\/cdn\.jsdelivr\.net\/npm\/.*)$/, replacement: "$1"},
  {find: /^(npm:.*)$/, replacement: "$1"}
];

/**
 * notebook-kit stdlib modules that load a CDN stylesheet at import time, replaced by our local twins with the same
 * exports, so no dead CDN <link>/@import is even bundled. (The dist scan in test/browser/studio.test.ts notices if
 * notebook-kit moves them.)
 */
const KIT_STDLIB = /[\\/]@observablehq[\\/]notebook-kit[\\/]dist[\\/]src[\\/]runtime[\\/]stdlib[\\/]/;
const KIT_STDLIB_TWINS: Record<string, string> = {
  "./inputs.js": fileURLToPath(new URL("../inputs.ts", import.meta.url)),
  "./tex.js": fileURLToPath(new URL("../tex.ts", import.meta.url))
};

export function offlineResolver(): Plugin {
  return {
    name: "glassbox:offline-resolver",
    enforce: "pre",
    async resolveId(source, importer) {
      if (importer && KIT_STDLIB.test(importer) && source in KIT_STDLIB_TWINS) return KIT_STDLIB_TWINS[source];
      const local = toLocalSpecifier(source);
      if (!local) return null;
      const resolved = await this.resolve(formatLocalSpecifier(local), importer, {skipSelf: true});
      if (resolved && !resolved.external) return resolved;
      const names = importer && !importer.startsWith("\0") ? importedNames(readSource(importer), source) : [];
      return `${OFFLINE_STUB_PREFIX}${local.name}?${names.join(",")}`;
    },
    load(id) {
      if (!id.startsWith(OFFLINE_STUB_PREFIX)) return null;
      const [name, names] = id.slice(OFFLINE_STUB_PREFIX.length).split("?");
      return stubModule(name!, names ? names.split(",") : []);
    }
  };
}

function readSource(id: string): string {
  try {
    return readFileSync(id.split("?")[0]!, "utf8");
  } catch {
    return ""; // virtual importers (html-proxy) only use dynamic import(), which needs no named exports
  }
}

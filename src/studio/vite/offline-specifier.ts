// Maps the CDN and `npm:` module specifiers that notebook-kit and notebooks write to local package specifiers.
// Pure string logic (no node:), so unit tests and the Vite plugin share it.

/** The CDN prefixes notebook-kit rewrites `npm:` imports to (and its stdlib imports from). */
export const CDN_NPM_PREFIXES = ["https://cdn.jsdelivr.net/npm/", "npm:"] as const;

/** A local package specifier: `name` (e.g. `@observablehq/inputs`) plus an optional subpath (`dist/index.css`). */
export interface LocalSpecifier {
  name: string;
  /** the path inside the package without a leading slash, or "" for the package entry */
  path: string;
}

/**
 * `https://cdn.jsdelivr.net/npm/apache-arrow@17.0.0/+esm` -> {name: "apache-arrow", path: ""};
 * `npm:@observablehq/inputs@0.12/dist/index.css` -> {name: "@observablehq/inputs", path: "dist/index.css"}.
 * Version ranges are dropped: offline there is exactly one installed version. Returns null for other specifiers.
 */
export function toLocalSpecifier(specifier: string): LocalSpecifier | null {
  const prefix = CDN_NPM_PREFIXES.find((p) => specifier.startsWith(p));
  if (!prefix) return null;
  const parts = specifier.slice(prefix.length).split(/[?#]/)[0]!.split("/");
  const scoped = parts[0]!.startsWith("@");
  const nameRange = scoped ? `${parts[0]}/${parts[1] ?? ""}` : parts[0]!;
  const at = nameRange.indexOf("@", 1);
  const name = at > 0 ? nameRange.slice(0, at) : nameRange;
  const rest = parts.slice(scoped ? 2 : 1).filter((p) => p !== "" && p !== "+esm");
  if (!/^(@[\w-][\w.-]*\/)?[\w-][\w.-]*$/.test(name) || rest.includes("..")) return null;
  return {name, path: rest.join("/")};
}

/** `{name, path}` -> `name/path`, the specifier Vite resolves from node_modules. */
export function formatLocalSpecifier({name, path}: LocalSpecifier): string {
  return path ? `${name}/${path}` : name;
}

/**
 * The names `source` imports from `specifier` with a static `import {a, b as c}` or re-exports with `export {a}`, so
 * a stub for an uninstalled package can declare them (rolldown rejects a missing export at build time).
 */
export function importedNames(source: string, specifier: string): string[] {
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(
    `(?:import|export)\\s*(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*["']${quoted}["']`,
    "g"
  );
  const names = new Set<string>();
  for (const match of source.matchAll(pattern)) {
    for (const item of match[1]!.split(",")) {
      const name = item
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name && name !== "default") names.add(name);
    }
  }
  return [...names];
}

/** The module a missing package resolves to: importing it throws a message that says what to do. */
export function stubModule(name: string, names: string[]): string {
  const message = `${name} is not bundled offline: add it to package.json and import it from a local module`;
  return [
    `throw new Error(${JSON.stringify(message)});`,
    "export default undefined;",
    ...names.map((n) => `export let ${n};`)
  ].join("\n");
}

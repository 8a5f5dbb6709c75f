// The builtins of every notebook, offline. notebook-kit's stock library imports d3, Inputs, Arrow, Plot, htl, katex and
// a dozen more from a CDN; here the ones we ship come from installed packages, the generic ones (width, now,
// Generators, FileAttachment, md, ...) are kept, and every other CDN-only builtin fails with a clear message.
import {library} from "@observablehq/notebook-kit/runtime";

type Builtins = Record<string, () => unknown>;

/** The builtins served from local packages. */
const LOCAL_PACKAGES: Builtins = {
  d3: () => import("d3"),
  Inputs: () => import("./inputs.ts"),
  Arrow: () => import("apache-arrow"),
  htl: () => import("htl"),
  html: () => import("htl").then((htl) => htl.html),
  svg: () => import("htl").then((htl) => htl.svg),
  Plot: () => import("@observablehq/plot"),
  tex: () => import("./tex.ts").then((tex) => tex.tex)
};

/** notebook-kit builtins that need no network: kept as they are. */
const KEPT = [
  "dark",
  "now",
  "width",
  "DatabaseClient",
  "FileAttachment",
  "Generators",
  "Interpreter",
  "Mutable",
  "Promises",
  "Files",
  "DOM",
  "md"
] as const;

export function notBundled(name: string): () => Promise<never> {
  return () =>
    Promise.reject(
      new Error(`${name} is not bundled offline: the offline builtins are ${OFFLINE_BUILTINS.join(", ")}`)
    );
}

const kit = library as unknown as Builtins;
const notBundledBuiltins = Object.fromEntries(
  Object.keys(kit)
    .filter((name) => !(name in LOCAL_PACKAGES) && !(KEPT as readonly string[]).includes(name))
    .map((name) => [name, notBundled(name)])
);

export const OFFLINE_BUILTINS = [...KEPT, ...Object.keys(LOCAL_PACKAGES)].sort();

export const offlineLibrary: Builtins = {
  ...notBundledBuiltins,
  ...Object.fromEntries(KEPT.map((name) => [name, kit[name]!])),
  ...LOCAL_PACKAGES
};

// Imports in live (edited) code. A cell's `import {x} from "../src/engine/index.ts"` becomes `__import(spec)` (see
// instrument.ts), resolved here from a registry that is the same in dev and in the built site, so edited cells get
// the very module instances the page's own cells use (one busy indicator, one model cache) and nothing is fetched.

import {toLocalSpecifier} from "../vite/offline-specifier.ts";

type Loader = () => Promise<unknown>;

/** The project's modules, keyed by their path from the project root (`/src/engine/index.ts`). */
const LOCAL_MODULES: Record<string, Loader> = import.meta.glob([
  "/src/{engine,quant,viz,data,studio,kernels}/index.ts"
]);

/** The packages edited cells may import by name (the notebooks' builtins come from the same packages). */
const PACKAGES: Record<string, Loader> = {
  d3: () => import("d3"),
  "apache-arrow": () => import("apache-arrow"),
  htl: () => import("htl"),
  "@observablehq/plot": () => import("@observablehq/plot"),
  "@observablehq/inputs": () => import("../inputs.ts")
};

export function liveImportable(): string[] {
  return [...Object.keys(LOCAL_MODULES).map((p) => `..${p}`), ...Object.keys(PACKAGES)].sort();
}

/**
 * The `__import` of a cell in a notebook at `notebookPath` (`/notebooks/rounding.html`): relative specifiers
 * resolve against the notebook, bare ones against the package list; anything else is a clear error.
 */
export function liveImport(notebookPath: string): (specifier: string) => Promise<unknown> {
  return async (specifier) => {
    // notebook-kit's transpile() turns `npm:d3` into a CDN URL: map it back to the installed package.
    const local = toLocalSpecifier(specifier);
    const name = local && !local.path ? local.name : specifier;
    if (name in PACKAGES) return PACKAGES[name]!();
    if (specifier.startsWith(".") || specifier.startsWith("/")) {
      const path = new URL(specifier, new URL(notebookPath, "http://root")).pathname;
      const local = LOCAL_MODULES[path];
      if (local) return local();
    }
    throw new Error(`cannot import "${specifier}" offline: edited cells can import ${liveImportable().join(", ")}`);
  };
}

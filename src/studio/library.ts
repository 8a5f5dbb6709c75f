// The builtins of every notebook, offline. notebook-kit's stock library imports d3, Inputs, Arrow, Plot, htl, katex and
// a dozen more from a CDN; here the ones we ship come from installed packages, the generic ones (width, now,
// Generators, FileAttachment, md, ...) are kept, and every other CDN-only builtin fails with a clear message.
import {library, root} from "@observablehq/notebook-kit/runtime";

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

/** Builtins of notebook-kit's that we replace with a corrected twin (see each one's comment). */
const CORRECTED: Builtins = {width: positiveWidth};

/** notebook-kit builtins that need no network: kept as they are. */
const KEPT = [
  "dark",
  "now",
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

type Observe = (initialize: (notify: (value: number) => void) => () => void) => AsyncIterableIterator<number>;

/**
 * The page's content width, like notebook-kit's `width`, but never 0. Its ResizeObserver reports 0 while <main> is
 * not laid out yet (seen under load: every chart of next-token refused "invalid width: 0"); a chart cannot be drawn
 * at width 0, so cells wait for the first real layout instead.
 */
function positiveWidth(): AsyncIterableIterator<number> {
  const {observe} = kit.Generators!() as {observe: Observe};
  return observe((notify) => {
    let width: number | undefined;
    const observer = new ResizeObserver(([entry]) => {
      const next = entry!.contentRect.width;
      if (next > 0 && next !== width) notify((width = next));
    });
    observer.observe(root);
    return () => observer.disconnect();
  });
}
const notBundledBuiltins = Object.fromEntries(
  Object.keys(kit)
    .filter((name) => !(name in LOCAL_PACKAGES) && !(name in CORRECTED) && !(KEPT as readonly string[]).includes(name))
    .map((name) => [name, notBundled(name)])
);

export const OFFLINE_BUILTINS = [...KEPT, ...Object.keys(CORRECTED), ...Object.keys(LOCAL_PACKAGES)].sort();

export const offlineLibrary: Builtins = {
  ...notBundledBuiltins,
  ...Object.fromEntries(KEPT.map((name) => [name, kit[name]!])),
  ...CORRECTED,
  ...LOCAL_PACKAGES
};

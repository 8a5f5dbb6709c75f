// Every `import "htl"` of a studio page (Observable Inputs' own copy included) resolves to src/studio/htl.ts, the htl
// that writes no inline event-handler markup (why: see that file). Used as a Vite plugin and, because Vite pre-bundles
// Observable Inputs with rolldown outside the plugin pipeline in dev, as a plugin of that pre-bundling too.
import {fileURLToPath} from "node:url";
import type {Plugin} from "vite";

export const HTL_WITHOUT_INLINE_HANDLERS = fileURLToPath(new URL("../htl.ts", import.meta.url));

export function htlResolver(): Plugin {
  return {
    name: "glassbox:htl-without-inline-handlers",
    enforce: "pre",
    resolveId(source, importer) {
      if (source !== "htl" || !importer) return null;
      // the wrapper itself imports the real package
      if (importer.split("?")[0] === HTL_WITHOUT_INLINE_HANDLERS) return null;
      return HTL_WITHOUT_INLINE_HANDLERS;
    }
  };
}

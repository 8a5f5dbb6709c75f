// The studio: notebooks/*.html (Observable Notebook Kit 2.0) and the gallery index.html, in dev (`npm start`) and as a
// static site (`npm run build` -> dist/, base "./" so it works from any sub-folder). Fully offline: see
// src/studio/vite/offline-resolver.node.ts and src/studio/library.ts, and ../shared/docs/notebook-kit-offline.md.
import {fileURLToPath} from "node:url";
import {defineConfig} from "vite";
import {bareImports, listNotebooks} from "./src/studio/vite/notebooks.node.ts";
import {notebookPages} from "./src/studio/vite/notebook-pages.node.ts";
import {notebookEditing} from "./src/studio/persist/vite.node.ts";
import {ISOLATION_HEADERS} from "./src/studio/serve.node.ts";
import {OFFLINE_STUB_MARKER, offlineAliases, offlineResolver} from "./src/studio/vite/offline-resolver.node.ts";
import {htlResolver} from "./src/studio/vite/htl-resolver.node.ts";

const root = fileURLToPath(new URL(".", import.meta.url));
const kitDir = fileURLToPath(new URL("node_modules/@observablehq/notebook-kit/dist/src/", import.meta.url));
const notebooks = listNotebooks(root);

export default defineConfig({
  root,
  base: "./",
  appType: "mpa",
  plugins: [htlResolver(), offlineResolver(), ...notebookPages({root}), notebookEditing({root})],
  resolve: {
    alias: [
      {find: /^observable:runtime$/, replacement: fileURLToPath(new URL("src/studio/runtime.ts", import.meta.url))},
      {find: /^observable:styles\/(.*)$/, replacement: `${kitDir}styles/$1`},
      ...offlineAliases
    ]
  },
  optimizeDeps: {
    // Pre-bundled modules bypass plugins, so notebook-kit must stay out for its CDN imports to reach our resolver.
    exclude: ["@observablehq/notebook-kit"],
    // Observable Inputs is pre-bundled with its own htl: route that to the htl without inline handlers too.
    rolldownOptions: {plugins: [htlResolver()]},
    // Notebook pages have no <script> for the scanner: scan the modules cells import, and list the packages the
    // builtins and cells load lazily, so a first use does not re-optimize and reload the page.
    entries: ["src/**/*.ts", "!src/**/*.node.ts", "!src/cli/**", "!src/**/*.d.ts"],
    include: [
      "@observablehq/notebook-kit > @observablehq/runtime",
      "@observablehq/notebook-kit > @observablehq/inspector",
      "@observablehq/notebook-kit > markdown-it",
      "@observablehq/notebook-kit > markdown-it-anchor",
      "@observablehq/notebook-kit > @sindresorhus/slugify",
      "@observablehq/notebook-kit > @lezer/highlight",
      // the live editor's transpiler (loaded on the first edit): TypeScript is CommonJS and must be pre-bundled
      "@observablehq/notebook-kit > typescript",
      "d3",
      "d3-dsv",
      "apache-arrow",
      "htl",
      "@observablehq/inputs",
      "@observablehq/plot",
      "katex",
      ...bareImports(notebooks)
    ]
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Data files must stay files: the CSP blocks fetch() of inlined data: URLs for some loaders, and size matters.
    assetsInlineLimit: (file) =>
      /\.(csv|tsv|json|arrow|parquet|bin|gguf|safetensors)$/.test(file) ? false : undefined,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Namespace reads from a stubbed package (`duckdb.selectBundle`) are expected: the stub throws before them.
      onLog(level, log, handler) {
        if (log.code === "IMPORT_IS_UNDEFINED" && log.message.includes(OFFLINE_STUB_MARKER)) return;
        handler(level, log);
      },
      input: Object.fromEntries([["index", "index.html"], ...notebooks.map((n) => [n.name, n.path])])
    }
  },
  // Cross-origin isolated in dev and preview too, so threaded kernels run everywhere `glassbox serve` runs them.
  // Test outputs (snapshots, screenshots) and build folders are not the studio: changes there must not reload pages.
  server: {
    host: "localhost",
    headers: ISOLATION_HEADERS,
    watch: {ignored: ["**/test/**", "**/build/**", "**/bench/**", "**/dist/**", "**/.ci/**"]}
  },
  preview: {host: "localhost", headers: ISOLATION_HEADERS}
});

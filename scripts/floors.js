#!/usr/bin/env node
// The one-way floors (docs/architecture.md): every folder of src/ (and bench/, scripts/) sits on a floor and imports
// only from floors below it; no file-level import cycles. `node scripts/floors.js` prints the violations and exits 1
// when there are any; test/architecture.test.ts runs it, and eslint.config.js builds its per-floor rules from FLOORS.
import {readdirSync, readFileSync, statSync} from "node:fs";
import {dirname, join, normalize, relative} from "node:path";
import {fileURLToPath} from "node:url";

/** Bottom to top. Folders on one floor may import each other only in the order listed (earlier = lower). */
export const FLOORS = [
  ["src/checks", "src/formats", "src/model-files", "src/tokenizers"],
  ["src/engine"],
  ["src/quant", "src/kernels", "src/data", "src/train", "src/viz"],
  ["src/host", "src/studio"],
  ["src/lessons"],
  ["bench", "src/cli", "scripts"]
];
/**
 * Floors inside a folder, bottom to top, by the same rule (sub-folders not listed, and the folder's own files, are
 * free). studio: the pure notebook (cells, file, text) under autosave and export, both under the editor.
 */
export const SUBFLOORS = {"src/studio": [["notebook"], ["persist", "export"], ["editor"]]};
/** data, not code: any floor may read them */
const DATA = ["models", "package.json"];

const ORDER = FLOORS.flat();
export const rank = (folder) => ORDER.indexOf(folder);

export function folderOf(file) {
  const parts = file.split("/");
  return parts[0] === "src" ? `src/${parts[1]}` : parts[0];
}

/** The reason an import inside one folder runs up its SUBFLOORS, or null. */
export function subfloorViolation(file, target) {
  const folder = folderOf(file);
  const order = SUBFLOORS[folder]?.flat();
  if (!order) return null;
  const sub = (path) => {
    const part = path.slice(folder.length + 1).split("/");
    return part.length > 1 ? order.indexOf(part[0]) : -1;
  };
  const from = sub(file);
  const to = sub(target);
  if (from < 0 || to < 0 || to <= from) return null;
  return `${folder}/${order[from]} may not import ${folder}/${order[to]}`;
}

const SPEC =
  /(?:^|[^\w.])(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"'?#]*)["']|import\s*\(\s*["'](\.{1,2}\/[^"'?#]*)["']/gs;

/** repo-relative file -> repo-relative files it imports (relative specifiers; comments stripped) */
export function importGraph(root) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = `${dir}/${name}`;
      if (name === "node_modules" || name === "out") continue;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(name) && !name.endsWith(".d.ts")) files.push(path);
    }
  };
  for (const top of ["src", "bench", "scripts"]) walk(top);
  const graph = new Map();
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    const targets = new Set();
    for (const m of text.matchAll(SPEC))
      targets.add(normalize(join(dirname(file), m[1] ?? m[2])).replaceAll("\\", "/"));
    graph.set(file, [...targets]);
  }
  return graph;
}

/** imports that run up or sideways against FLOORS' order, and folders FLOORS does not place */
export function floorViolations(graph) {
  const out = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (rank(from) < 0) out.push(`${file}: folder ${from} is on no floor (add it to FLOORS in scripts/floors.js)`);
    for (const target of targets) {
      const to = folderOf(target);
      const inside = to === from ? subfloorViolation(file, target) : null;
      if (inside) out.push(`${file} imports ${target}: ${inside}`);
      if (to === from || DATA.includes(to)) continue;
      if (rank(to) < 0 || rank(to) > rank(from)) out.push(`${file} imports ${target}: ${from} may not import ${to}`);
    }
  }
  return out;
}

/** file-level import cycles (Tarjan's strongly connected components of more than one file, or a self-import) */
export function importCycles(graph) {
  let index = 0;
  const idx = new Map(),
    low = new Map(),
    stack = [],
    on = new Set(),
    cycles = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) !== idx.get(v)) return;
    const scc = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = relative(process.cwd(), join(dirname(fileURLToPath(import.meta.url)), "..")) || ".";
  const graph = importGraph(root);
  const problems = [...floorViolations(graph), ...importCycles(graph).map((c) => `import cycle: ${c.join(" <-> ")}`)];
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} floor problems` : `floors hold: ${graph.size} files, no cycles`);
  process.exit(problems.length ? 1 : 0);
}

/** ESLint rule `floors/one-way`: the same check per import, so the editor and `npm test`'s lint show it in place. */
export const floorsPlugin = {
  rules: {
    "one-way": {
      meta: {
        type: "problem",
        messages: {
          up: "floors/one-way: {{from}} may not import {{to}} (a floor above or beside it; see docs/architecture.md)",
          inside: "floors/one-way: {{reason}} (SUBFLOORS in scripts/floors.js; see docs/architecture.md)"
        }
      },
      create(context) {
        const root = join(dirname(fileURLToPath(import.meta.url)), "..");
        const file = relative(root, context.filename).replaceAll("\\", "/");
        const from = folderOf(file);
        if (rank(from) < 0) return {};
        const check = (node) => {
          const spec = node?.value;
          if (typeof spec !== "string" || !spec.startsWith(".")) return;
          const target = normalize(join(dirname(file), spec.replace(/[?#].*$/, ""))).replaceAll("\\", "/");
          const to = folderOf(target);
          const inside = to === from ? subfloorViolation(file, target) : null;
          if (inside) context.report({node, messageId: "inside", data: {reason: inside}});
          if (to === from || DATA.includes(to)) return;
          if (rank(to) < 0 || rank(to) > rank(from)) context.report({node, messageId: "up", data: {from, to}});
        };
        return {
          ImportDeclaration: (n) => check(n.source),
          ExportNamedDeclaration: (n) => check(n.source),
          ExportAllDeclaration: (n) => check(n.source),
          ImportExpression: (n) => check(n.source)
        };
      }
    }
  }
};

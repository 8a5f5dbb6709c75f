// Edited source -> a notebook-kit Definition: transpile() (the Build API, loaded on first use: it carries the
// TypeScript compiler, ~1 MB gzip), then instrument.ts (loop budget, imports), then `new Function` (the page's CSP
// allows 'unsafe-eval' for this). A syntax error throws here, before the cell's old definition is touched.
import type {Definition} from "@observablehq/notebook-kit/runtime";
import type {Cell} from "../notebook/cells.ts";
import {notebookKit} from "../notebook/file.ts";
import {IMPORT_NAME, LOOP_GUARD_NAME, instrumentBody} from "./instrument.ts";
import {liveImport} from "./live-imports.ts";
import {loopGuard} from "./loop-guard.ts";

/** One guard for the page: a loop in one edited cell and a loop it calls in another share the page's time. */
const guard = loopGuard();

export async function compileCell(cell: Cell, notebookPath: string): Promise<Definition> {
  const {transpile} = await notebookKit();
  const transpiled = transpile(cell);
  const body = instrumentBody(transpiled.body);
  const make = new Function(IMPORT_NAME, LOOP_GUARD_NAME, `return (${body});`);
  return {
    id: cell.id,
    body: make(liveImport(notebookPath), guard),
    inputs: transpiled.inputs,
    outputs: transpiled.outputs,
    output: transpiled.output,
    autodisplay: transpiled.autodisplay,
    autoview: transpiled.autoview,
    automutable: transpiled.automutable,
    display: cell.mode === "js" || cell.mode === "ts"
  };
}

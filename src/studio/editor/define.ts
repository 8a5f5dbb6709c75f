// What notebook pages import `define` from (vite.node.ts rewrites the page's `observable:runtime` import to this
// module): it records every cell's state, decides before any cell runs whether the page runs its file or a local
// version (restored edits, a local notebook), and starts the editor once the page's cells are defined.
import type {DefineState, Definition} from "@observablehq/notebook-kit/runtime";
import {define as runtimeDefine} from "../runtime.ts";
import {readPageData} from "../persist/page-data.ts";
import {planStartup, runsFile} from "../persist/startup.ts";
import {currentObserver} from "./observers.ts";
import {startEditor} from "./start.ts";
import "./editor.css";

export {main, runtime} from "../runtime.ts";

const page = readPageData();
const startup = page ? planStartup(page) : {kind: "file" as const};
const runFile = runsFile(startup);
const fileStates = new Map<number, DefineState>();

export function define(state: DefineState, definition: Definition): void {
  fileStates.set(definition.id, state);
  if (runFile) runtimeDefine(state, definition, currentObserver);
}

// Module scripts run before DOMContentLoaded: by then the page's script has called define() for every cell.
if (page)
  document.addEventListener("DOMContentLoaded", () => void startEditor(page, startup, fileStates), {once: true});

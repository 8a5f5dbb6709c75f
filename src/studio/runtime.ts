// The module every notebook page imports as `observable:runtime` (aliased in vite.config.ts): notebook-kit's
// NotebookRuntime on the offline builtins, with each cell's observer reporting to the busy indicator.
import {NotebookRuntime, observe, type DefineState, type Definition} from "@observablehq/notebook-kit/runtime";
import {offlineLibrary} from "./library.ts";
import {mountStatusBar} from "./status-bar.ts";
import {setCellRunning} from "./work.ts";

const notebook = new NotebookRuntime(offlineLibrary);

export const runtime = notebook.runtime;
export const main = notebook.main;

/** Defines a cell like notebook-kit's define(), counting it as running until it settles. */
export function define(state: DefineState, definition: Definition, observer: typeof observe = observe): void {
  setCellRunning(state, true);
  notebook.define(state, definition, (state, definition) => {
    const inner = observer(state, definition);
    return {
      ...inner,
      pending() {
        setCellRunning(state, true);
        inner.pending();
      },
      fulfilled(value: unknown) {
        setCellRunning(state, false);
        inner.fulfilled(value);
      },
      rejected(error: unknown) {
        setCellRunning(state, false);
        inner.rejected(error);
      }
    };
  });
}

mountStatusBar();

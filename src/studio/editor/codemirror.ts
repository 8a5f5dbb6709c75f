// One CodeMirror 6 editor per cell: highlighting for the cell's mode, Shift-Enter runs, Escape leaves the editor
// (Tab is not captured, so keyboard users move on with Tab as everywhere else), every change reported.
import {javascript} from "@codemirror/lang-javascript";
import {markdown} from "@codemirror/lang-markdown";
import {Compartment, EditorState, Prec, type Extension} from "@codemirror/state";
import {EditorView, keymap} from "@codemirror/view";
import {basicSetup} from "codemirror";

export interface CellEditorOptions {
  value: string;
  mode: string;
  readOnly?: boolean;
  /** Shift-Enter */
  onRun: () => void;
  onChange: (value: string) => void;
  /** a label for screen readers: "source of cell 4" */
  label: string;
}

export interface CellEditor {
  view: EditorView;
  setMode: (mode: string) => void;
  value: () => string;
  focus: () => void;
  destroy: () => void;
}

function language(mode: string): Extension {
  if (mode === "ts") return javascript({typescript: true});
  // HTML cells are highlighted by the Markdown grammar, which embeds HTML (no separate HTML grammar shipped).
  if (mode === "md" || mode === "html") return markdown();
  return javascript();
}

// CodeMirror measures an editor only while it is on screen. One created below the fold keeps its first guess at the
// height of its wrapped lines (about 30 characters a line), so until it is scrolled into view it shows blank lines
// under its code, its line numbers sit apart from their lines, and the page below it jumps when it is corrected.
// When printing, CodeMirror measures an editor wherever it is (its `viewState.printing`, not part of its typed API:
// test/browser/layout.test.ts fails if this stops working). Each editor gets one such measure once it is laid out,
// and another after each resize (its lines wrap anew).
const editors = new Set<EditorView>();
const unfitted = new Set<EditorView>();
let fitScheduled = false;
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
let refitOnResize = false;

function fitToCode(view: EditorView): void {
  unfitted.add(view);
  if (fitScheduled) return;
  fitScheduled = true;
  requestAnimationFrame(() => {
    fitScheduled = false;
    for (const v of unfitted) {
      const state = (v as unknown as {viewState: {printing: boolean}}).viewState;
      state.printing = true;
      v.requestMeasure({read: () => null, write: () => void (state.printing = false)});
    }
    unfitted.clear();
  });
}

function track(view: EditorView): void {
  if (!refitOnResize) {
    refitOnResize = true;
    addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => editors.forEach(fitToCode), 100);
    });
  }
  editors.add(view);
  fitToCode(view);
}

export function createCellEditor(parent: HTMLElement, options: CellEditorOptions): CellEditor {
  const lang = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.value,
      extensions: [
        Prec.highest(
          keymap.of([
            {key: "Shift-Enter", run: () => (options.onRun(), true)},
            {key: "Escape", run: (v) => (v.contentDOM.blur(), true)}
          ])
        ),
        basicSetup,
        lang.of(language(options.mode)),
        EditorView.lineWrapping,
        EditorState.readOnly.of(!!options.readOnly),
        EditorView.editable.of(!options.readOnly),
        EditorView.contentAttributes.of({"aria-label": options.label}),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        })
      ]
    })
  });
  track(view);
  return {
    view,
    setMode: (mode) => view.dispatch({effects: lang.reconfigure(language(mode))}),
    value: () => view.state.doc.toString(),
    focus: () => view.focus(),
    destroy: () => {
      editors.delete(view);
      unfitted.delete(view);
      view.destroy();
    }
  };
}

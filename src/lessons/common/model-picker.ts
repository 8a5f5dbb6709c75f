// The model picker every model notebook starts with: an input whose value is a ModelChoice (the built-in model, or
// the model the user loaded from disk), deep-linked as `?model=<name>`, with a loader that takes a GGUF file (picked
// or dropped: first a preview of its metadata, tensor types and memory per weight mode, then Load with progress and
// Cancel) or a llama2.c checkpoint and its tokenizer. Every problem is a clear message and the previous model stays.
// A loaded model is kept in this browser (model-store.ts), so every notebook's picker offers it; a notebook cell
// writes
//   const choice = view(await modelPicker());
//   const {model, tokenizer} = await choice.open();
import * as Inputs from "@observablehq/inputs";
import "../../studio/inputs.ts";
import "./notebook-kit.css";
import {bindUrl, type UrlCodec} from "../../studio/url-input.ts";
import {track} from "../../studio/work.ts";
import {memoryBudget} from "../../studio/memory-guard.ts";
import {diskModelChoice, droppedFiles, inputFiles, readDiskModel, type DiskModel} from "./disk-model.ts";
import type {FolderFile} from "./folder-preview.ts";
import {previewElement} from "./gguf-preview-view.ts";
import {memoryPlan, memoryRefusal} from "./gguf-preview.ts";
import {builtInChoice, readModelFiles, storedChoice, type ModelChoice} from "./model-choice.ts";
import {forgetStoredModel, readStoredModel, storeFiles, storeModel, type StoredCheckpoint} from "./model-store.ts";

export interface ModelPickerOptions {
  /** URL parameter of the deep link (default "model"); null keeps the choice out of the URL */
  param?: string | null;
  /** show the from-disk loader unfolded (the bring-your-own-model notebook does) */
  loaderOpen?: boolean;
}

export type ModelPicker = HTMLElement & {value: ModelChoice};

const MiB = 2 ** 20;

export async function modelPicker(options: ModelPickerOptions = {}): Promise<ModelPicker> {
  const {param = "model", loaderOpen = false} = options;
  const builtIn = builtInChoice();
  const stored = await storedModelChoice();
  let choices = stored ? [builtIn, stored] : [builtIn];
  let current = builtIn;

  const root = document.createElement("div") as unknown as ModelPicker;
  root.className = "gb-model-picker";
  const selectSlot = root.appendChild(document.createElement("div"));
  const loader = root.appendChild(loaderElement(loaderOpen));
  const status = loader.querySelector<HTMLElement>(".gb-model-status")!;
  const error = loader.querySelector<HTMLElement>(".gb-model-error")!;
  const progress = loader.querySelector("progress")!;
  const forget = loader.querySelector<HTMLButtonElement>(".gb-model-forget")!;
  // the loader's file inputs fire "input" too: the picker's value changes only when a model is chosen, so they must
  // not reach the notebook's view() (it would re-run every cell on the same model)
  loader.addEventListener("input", (event) => event.stopPropagation());

  const render = () => {
    const select = Inputs.select(choices, {
      label: "model",
      value: current,
      format: (c: ModelChoice) => c.label,
      width: 560
    });
    select.addEventListener("input", () => {
      current = select.value;
      root.dataset.model = current.key;
    });
    selectSlot.replaceChildren(select);
    root.dataset.model = current.key;
    forget.hidden = choices.length === 1;
  };
  const choose = (choice: ModelChoice) => {
    current = choice;
    render();
    root.dispatchEvent(new Event("input", {bubbles: true}));
  };
  Object.defineProperty(root, "value", {
    get: () => current,
    set: (choice: ModelChoice) => {
      current = choices.find((c) => c.key === choice?.key) ?? current;
      render();
    }
  });
  render();

  loader.querySelector(".gb-model-load")!.addEventListener("click", async () => {
    const [checkpoint, tokenizer] = ["checkpoint", "tokenizer"].map(
      (name) => loader.querySelector<HTMLInputElement>(`input[name=${name}]`)!.files?.[0]
    );
    error.hidden = true;
    if (!checkpoint || !tokenizer) return showError("choose a checkpoint (.bin) and its tokenizer (.bin) first");
    progress.hidden = false;
    progress.value = 0;
    try {
      const files = await track(
        (signal) =>
          readModelFiles(checkpoint, tokenizer, {
            signal,
            onProgress: (loaded, total) => {
              progress.value = total ? loaded / total : 0;
              status.textContent = `reading ${checkpoint.name}: ${(loaded / MiB).toFixed(1)} of ${(total / MiB).toFixed(1)} MiB`;
            }
          }),
        {label: `loading ${checkpoint.name}`}
      );
      const model: StoredCheckpoint = {
        name: checkpoint.name.replace(/\.bin$/i, "") || checkpoint.name,
        checkpointName: checkpoint.name,
        tokenizerName: tokenizer.name,
        config: files.config,
        checkpoint: new Blob([files.checkpoint as Uint8Array<ArrayBuffer>]),
        tokenizer: new Blob([files.tokenizer as Uint8Array<ArrayBuffer>]),
        savedAt: Date.now()
      };
      let kept = "kept in this browser until you press Forget: every notebook's model picker offers it";
      try {
        await storeModel(model);
      } catch (storeError) {
        kept = `used on this page only (${(storeError as Error).message})`;
      }
      const choice = storedChoice(model);
      choices = [builtIn, choice];
      status.textContent = `loaded ${model.name}; ${kept}`;
      choose(choice);
    } catch (loadError) {
      status.textContent = "";
      showError(`could not load the model: ${(loadError as Error).message}`);
    } finally {
      progress.hidden = true;
    }
  });

  // A GGUF file or a Hugging Face folder, picked or dropped: preview first (headers and tensor tables only), then
  // Load on request.
  const filesInput = loader.querySelector<HTMLInputElement>("input[name=model-files]")!;
  const folderInput = loader.querySelector<HTMLInputElement>("input[name=model-folder]")!;
  const previewSlot = loader.querySelector<HTMLElement>(".gb-model-preview")!;
  const cancel = loader.querySelector<HTMLButtonElement>(".gb-model-cancel")!;
  let previewed: DiskModel | null = null;

  const previewFiles = async ({files, folder}: {files: FolderFile[]; folder: string | null}) => {
    error.hidden = true;
    status.textContent = `reading the headers of ${files.length === 1 ? files[0]!.name : `${files.length} files`}`;
    previewSlot.replaceChildren();
    previewed = null;
    try {
      const disk = await readDiskModel(files, folder);
      previewed = disk;
      const plan = memoryPlan(disk.preview, memoryBudget());
      const refusal = memoryRefusal(plan, `the model ${disk.title}`);
      const view = previewElement(disk.title, disk.bytes, disk.preview, plan);
      const load = view.querySelector<HTMLButtonElement>(".gb-model-load-preview")!;
      load.disabled = refusal !== null;
      load.addEventListener("click", () => void loadDisk());
      previewSlot.replaceChildren(view);
      status.textContent = `${disk.title}: read its headers; press Load to use it`;
      if (refusal) showError(refusal);
    } catch (readError) {
      status.textContent = "";
      showError(`could not load the model: ${(readError as Error).message}`);
    }
  };
  for (const input of [filesInput, folderInput])
    input.addEventListener("change", () => {
      const given = inputFiles(input.files);
      (input === filesInput ? folderInput : filesInput).value = "";
      if (given.files.length) void previewFiles(given);
    });
  const dropZone = loader.querySelector<HTMLElement>(".gb-model-drop")!;
  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("gb-model-drop-over");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("gb-model-drop-over"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("gb-model-drop-over");
    filesInput.value = folderInput.value = ""; // the dropped files replace any picked ones
    void droppedFiles(event.dataTransfer).then(previewFiles, (dropError: Error) =>
      showError(`could not load the model: cannot read what was dropped: ${dropError.message}`)
    );
  });

  let cancelLoad: (() => void) | null = null;
  cancel.addEventListener("click", () => cancelLoad?.());
  const loadDisk = async () => {
    if (!previewed) return;
    const disk = previewed;
    const {name, title} = disk;
    error.hidden = true;
    progress.hidden = false;
    progress.value = 0;
    cancel.hidden = false;
    const cancelled = new Promise<void>((resolve) => (cancelLoad = resolve));
    try {
      const choice = await track(
        (signal) =>
          untilAborted(signal, async () => {
            // open it once from the given files first: a model that cannot run is never kept
            status.textContent = `opening ${name} to check that it runs`;
            (await diskModelChoice(disk, disk.files).open()).close();
            signal.throwIfAborted();
            let kept = "kept in this browser until you press Forget: every notebook's model picker offers it";
            let files = disk.files;
            try {
              const stored = await storeFiles(disk.kind, name, disk.files, {
                signal,
                onProgress: (written, total) => {
                  progress.value = total ? written / total : 1;
                  status.textContent = `keeping ${title} in this browser: ${(written / MiB).toFixed(1)} of ${(total / MiB).toFixed(1)} MiB`;
                }
              });
              files = stored.files;
              if (stored.where === "indexeddb")
                kept += " (in IndexedDB: this browser has no writable private file system)";
            } catch (storeError) {
              if (signal.aborted) throw storeError;
              kept = `used on this page only (${(storeError as Error).message})`;
            }
            signal.throwIfAborted();
            return {choice: diskModelChoice(disk, files), kept};
          }),
        {label: `loading ${title}`, invalidation: cancelled}
      );
      choices = [builtIn, choice.choice];
      status.textContent = `loaded ${name}; ${choice.kept}`;
      previewSlot.replaceChildren();
      choose(choice.choice);
    } catch (loadError) {
      const aborted = /WorkCancelled|AbortError/.test((loadError as Error).name);
      status.textContent = aborted ? `cancelled loading ${title}; the model you had stays selected` : "";
      if (!aborted) showError(`could not load the model: ${(loadError as Error).message}`);
    } finally {
      progress.hidden = true;
      cancel.hidden = true;
      cancelLoad = null;
    }
  };

  forget.addEventListener("click", async () => {
    await forgetStoredModel();
    choices = [builtIn];
    status.textContent = "forgot the loaded model; it is no longer kept in this browser";
    choose(builtIn);
  });

  function showError(message: string) {
    error.textContent = message;
    error.hidden = false;
  }

  if (param !== null) {
    const codec: UrlCodec<ModelChoice> = {
      parse: (key) => {
        const found = choices.find((c) => c.key === key);
        if (!found) throw new Error(`no model ${key} in this browser`);
        return found;
      },
      format: (choice) => choice.key
    };
    bindUrl(param, root, codec);
  }
  return root;
}

/**
 * `work(signal)`, rejected as soon as `signal` aborts: Cancel answers at once even while a step that cannot be
 * interrupted (a storage estimate, a read) is under way; the work checks the signal before it commits anything.
 */
function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, {once: true});
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", abort));
  });
}

/** The stored model as a choice, or null (none, or a stored file that no longer reads: then it is not offered). */
async function storedModelChoice(): Promise<ModelChoice | null> {
  const stored = await readStoredModel();
  if (!stored) return null;
  if (!("files" in stored)) return storedChoice(stored);
  try {
    const disk = await readDiskModel(stored.files, stored.kind === "hf" ? stored.name : null);
    return diskModelChoice({...disk, name: stored.name}, stored.files);
  } catch {
    return null;
  }
}

function loaderElement(open: boolean): HTMLDetailsElement {
  const details = document.createElement("details");
  details.className = "gb-model-loader";
  details.open = open;
  details.innerHTML = `
    <summary>Load a model from disk: a GGUF file, a Hugging Face folder, or a llama2.c checkpoint and its tokenizer</summary>
    <div class="gb-model-drop">
      <label>GGUF file or folder's files <input type="file" name="model-files" multiple
        accept=".gguf,.json,.safetensors"></label>
      <label>folder <input type="file" name="model-folder" webkitdirectory></label>
      <span class="gb-model-drop-hint">or drop a <code>.gguf</code> file or a model folder here</span>
    </div>
    <div class="gb-model-preview"></div>
    <div class="gb-model-files">
      <label>checkpoint <input type="file" name="checkpoint" accept=".bin"></label>
      <label>tokenizer <input type="file" name="tokenizer" accept=".bin"></label>
      <button type="button" class="gb-model-load">Load</button>
      <button type="button" class="gb-model-forget" hidden>Forget the loaded model</button>
    </div>
    <progress max="1" hidden></progress> <button type="button" class="gb-model-cancel" hidden>Cancel</button>
    <span class="gb-model-status" role="status"></span>
    <p class="gb-model-error" role="alert" hidden></p>
    <p class="gb-model-note">The files are read in this tab and kept in this browser's storage (the private file
    system, else IndexedDB) for the other notebooks; nothing is uploaded. A GGUF file from llama.cpp or the Hugging
    Face Hub (llama and qwen2 architectures: SmolLM2, TinyLlama, Qwen2.5 …) carries its own tokenizer; a Hub folder
    (config.json, model.safetensors or its shards) brings it as tokenizer.json; a legacy
    llama2.c checkpoint (<code>export.py --version 0</code>, e.g. stories15M.bin) needs the tokenizer.bin it was
    exported with.</p>`;
  return details;
}

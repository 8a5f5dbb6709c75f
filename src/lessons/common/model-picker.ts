// The model picker every model notebook starts with: an input whose value is a ModelChoice (the built-in model, or
// the llama2.c checkpoint the user loaded from disk), deep-linked as `?model=<name>`, with a loader for a checkpoint
// and its tokenizer (progress, Stop, clear errors). A loaded model is kept in this browser (model-store.ts), so every
// notebook's picker offers it; a notebook cell writes
//   const choice = view(await modelPicker());
//   const {model, tokenizer} = await choice.open();
import * as Inputs from "@observablehq/inputs";
import "../../studio/inputs.ts";
import "./notebook-kit.css";
import {bindUrl, type UrlCodec} from "../../studio/url-input.ts";
import {track} from "../../studio/work.ts";
import {builtInChoice, readModelFiles, storedChoice, type ModelChoice} from "./model-choice.ts";
import {forgetStoredModel, readStoredModel, storeModel, type StoredModel} from "./model-store.ts";

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
  const stored = await readStoredModel();
  let choices = stored ? [builtIn, storedChoice(stored)] : [builtIn];
  let current = builtIn;

  const root = document.createElement("div") as unknown as ModelPicker;
  root.className = "gb-model-picker";
  const selectSlot = root.appendChild(document.createElement("div"));
  const loader = root.appendChild(loaderElement(loaderOpen));
  const status = loader.querySelector<HTMLElement>(".gb-model-status")!;
  const error = loader.querySelector<HTMLElement>(".gb-model-error")!;
  const progress = loader.querySelector("progress")!;
  const forget = loader.querySelector<HTMLButtonElement>(".gb-model-forget")!;

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
      const model: StoredModel = {
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

function loaderElement(open: boolean): HTMLDetailsElement {
  const details = document.createElement("details");
  details.className = "gb-model-loader";
  details.open = open;
  details.innerHTML = `
    <summary>Load a llama2.c checkpoint and its tokenizer from disk</summary>
    <div class="gb-model-files">
      <label>checkpoint <input type="file" name="checkpoint" accept=".bin"></label>
      <label>tokenizer <input type="file" name="tokenizer" accept=".bin"></label>
      <button type="button" class="gb-model-load">Load</button>
      <button type="button" class="gb-model-forget" hidden>Forget the loaded model</button>
    </div>
    <progress max="1" hidden></progress> <span class="gb-model-status" role="status"></span>
    <p class="gb-model-error" role="alert" hidden></p>
    <p class="gb-model-note">The files are read in this tab and kept in this browser's storage (IndexedDB) for the other
    notebooks; nothing is uploaded. A legacy llama2.c checkpoint (<code>export.py --version 0</code>, e.g.
    stories15M.bin) with the tokenizer.bin it was exported with.</p>`;
  return details;
}

// The preview of a GGUF file or Hugging Face folder before it is loaded, as the picker shows it: what the model is (metadata), how it is
// stored (tensors per type) and what each weight mode would hold against this tab's memory, with the Load button.
// Text from the files (their names, general.name) goes in as textContent, never as markup.
import {describeConfig} from "./model-choice.ts";
import {formatBytes, formatTypeCounts, type MemoryPlan, type ModelPreview} from "./gguf-preview.ts";

/** `title`: the file's name or the folder's; `bytes`: their size on disk. */
export function previewElement(title: string, bytes: number, preview: ModelPreview, plan: MemoryPlan): HTMLElement {
  const {config: c} = preview;
  const root = el("div", "gb-gguf-preview");
  root.dataset.architecture = preview.architecture;
  root.dataset.dim = String(c.dim);
  root.dataset.types = formatTypeCounts(preview.types);
  root.dataset.format = preview.format;
  root.append(el("p", "gb-gguf-title", `${title}: ${preview.format} ${preview.architecture}, ${formatBytes(bytes)}`));

  const kv = c.nKvHeads === c.nHeads ? "" : ` (${c.nKvHeads} KV)`;
  root.append(
    table(
      "gb-gguf-metadata",
      ["metadata", "value"],
      [
        ["architecture", preview.architecture],
        ["name (general.name)", preview.name ?? "—"],
        ["shape", describeConfig(c)],
        ["width · hidden · layers", `${c.dim} · ${c.hiddenDim} · ${c.nLayers}`],
        ["heads", `${c.nHeads}${kv}, each ${c.headSize} wide`],
        ["context length", `${preview.contextLength} in the file; the KV cache here holds ${c.seqLen} positions`],
        ["vocabulary", `${c.vocabSize} tokens`],
        [
          "tokenizer",
          preview.tokenizer
            ? `${preview.tokenizer.kind}, ${preview.tokenizer.size} tokens (from the ${preview.format === "GGUF" ? "file" : "folder"})`
            : `none usable: ${preview.tokenizerProblem}`
        ],
        ["classifier", c.sharedClassifier ? "tied to the embedding table" : "its own output.weight"]
      ]
    )
  );

  root.append(
    table(
      "gb-gguf-types",
      ["tensor type", "tensors", "bytes"],
      preview.types.map((t) => [t.type, String(t.tensors), formatBytes(t.bytes)])
    )
  );

  const memory = table(
    "gb-gguf-memory",
    ["weight mode", "holds", "needs", ""],
    plan.rows.map((r) => [r.mode, r.holds, formatBytes(r.bytes), r.fits ? "fits" : "too large"])
  );
  memory.dataset.budget = String(plan.budget.bytes);
  for (const [i, r] of plan.rows.entries()) {
    const tr = memory.tBodies[0]!.rows[i]!;
    tr.dataset.mode = r.mode;
    tr.dataset.bytes = String(r.bytes);
    tr.dataset.fits = String(r.fits);
  }
  root.append(memory);
  root.append(
    el(
      "p",
      "gb-gguf-budget",
      `Each figure includes the run state (KV cache, one row of activations, RoPE tables: ` +
        `${formatBytes(plan.runStateBytes)}). This tab may use about ${formatBytes(plan.budget.bytes)} ` +
        `(${plan.budget.source}). Loading it here takes ${formatBytes(plan.loadBytes)}: the loader decodes every ` +
        `tensor to float32 and keeps the packed ones for the modes that read blocks.`
    )
  );
  const load = el("button", "gb-model-load-preview", `Load ${title}`) as HTMLButtonElement;
  load.type = "button";
  root.append(load);
  return root;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function table(className: string, head: string[], rows: string[][]): HTMLTableElement {
  const t = document.createElement("table");
  t.className = className;
  const tr = t.createTHead().insertRow();
  for (const h of head) tr.appendChild(el("th", "", h));
  const body = t.createTBody();
  for (const row of rows) {
    const r = body.insertRow();
    for (const cell of row) r.insertCell().textContent = cell;
  }
  return t;
}

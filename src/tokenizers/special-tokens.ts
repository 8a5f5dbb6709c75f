// Special tokens llama.cpp recognises by their text (c392e5094, llama_vocab::impl::load): end-of-turn, end-of-message
// and fill-in-the-middle tokens a file does not name, and the set of tokens that end generation. Each one found this
// way is made a control token, so plain text never produces it.
import {ATTR} from "./tokenizer.ts";

export interface TextDetected {
  eot?: number;
  eom?: number;
  fimPre?: number;
  fimSuf?: number;
  fimMid?: number;
  fimPad?: number;
  fimRep?: number;
  fimSep?: number;
}

// in llama.cpp's order (its own lookup walks a hash map, so with two candidates present it may pick either)
const BY_TEXT: [keyof TextDetected, string[]][] = [
  ["eot", ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>"]],
  ["eom", ["<|eom_id|>"]],
  ["fimPre", ["<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>"]],
  ["fimSuf", ["<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>"]],
  ["fimMid", ["<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>"]],
  ["fimPad", ["<|fim_pad|>", "<fim-pad>", "<PAD>"]],
  ["fimRep", ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>"]],
  ["fimSep", ["<|file_sep|>"]]
];
const EOG_TEXTS = ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>"];

function markControl(attrs: Uint16Array, id: number) {
  attrs[id] = attrs[id]! | ATTR.CONTROL;
}

/** Fills the ids `found` lacks from the token texts; marks each as control. */
export function detectByText(ids: ReadonlyMap<string, number>, attrs: Uint16Array, found: TextDetected): void {
  for (const [field, texts] of BY_TEXT) {
    if (found[field] !== undefined) continue;
    const id = texts.map((t) => ids.get(t)).find((v) => v !== undefined);
    if (id === undefined) continue;
    found[field] = id;
    markControl(attrs, id);
  }
}

/** The ids that end generation: FIM pad/repo/separator, the end-of-turn texts, EOS, EOT, EOM. */
export function endOfGeneration(
  ids: ReadonlyMap<string, number>,
  attrs: Uint16Array,
  known: TextDetected & {eos?: number}
): Set<number> {
  const eog = new Set<number>();
  for (const id of [known.fimPad, known.fimRep, known.fimSep]) if (id !== undefined) eog.add(id);
  for (const t of EOG_TEXTS) {
    const id = ids.get(t);
    if (id === undefined) continue;
    eog.add(id);
    markControl(attrs, id);
  }
  for (const id of [known.eos, known.eot, known.eom]) if (id !== undefined) eog.add(id);
  return eog;
}

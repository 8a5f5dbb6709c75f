// Chat prompts as llama.cpp and transformers build them: the model's own Jinja template (GGUF
// `tokenizer.chat_template`, or tokenizer_config.json `chat_template`) renders the conversation, the result is
// tokenized with special-token text parsed (so "<|im_start|>" is one control token), and generation stops at the
// first end-of-generation token (<|im_end|>, <|eot_id|>, EOS, …).
import {Template} from "@huggingface/jinja";
import type {Tokenizer} from "./tokenizer.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant" | (string & {});
  content: string;
}

export interface ChatOptions {
  /** end with the opening of an assistant turn (default true) */
  addGenerationPrompt?: boolean;
}

/** The conversation as the template writes it. bos_token/eos_token are the tokenizer's own texts. */
export function renderChat(
  template: string,
  tokenizer: Tokenizer,
  messages: readonly ChatMessage[],
  options: ChatOptions = {}
): string {
  const {addGenerationPrompt = true} = options;
  const text = (id: number | undefined) => (id === undefined ? "" : tokenizer.tokens[id]!);
  let parsed: Template;
  try {
    parsed = new Template(template);
  } catch (e) {
    throw new Error(`invalid chat template: ${(e as Error).message}`, {cause: e});
  }
  // (the library supplies raise_exception and strftime_now, as transformers does)
  try {
    return parsed.render({
      messages,
      add_generation_prompt: addGenerationPrompt,
      bos_token: text(tokenizer.special.bos),
      eos_token: text(tokenizer.special.eos)
    });
  } catch (e) {
    throw new Error(`the chat template refused the conversation: ${(e as Error).message}`, {cause: e});
  }
}

/** The prompt ids of a conversation: rendered, special text parsed, BOS added as the vocabulary says (once: a
 * template that writes BOS itself does not get a second one). */
export function chatPromptIds(
  template: string,
  tokenizer: Tokenizer,
  messages: readonly ChatMessage[],
  options: ChatOptions = {}
): number[] {
  const ids = tokenizer.encode(renderChat(template, tokenizer, messages, options), {parseSpecial: true});
  const bos = tokenizer.special.bos;
  if (tokenizer.addBos && ids.length >= 2 && ids[0] === bos && ids[1] === bos) ids.shift();
  return ids;
}

/** Steps of a generation up to and including the one whose next token ends it (EOG); that token is not text. */
export async function* untilEndOfGeneration<T extends {next: number; forced: boolean}>(
  steps: AsyncIterable<T>,
  tokenizer: Tokenizer
): AsyncGenerator<T & {end: boolean}> {
  for await (const step of steps) {
    const end = !step.forced && tokenizer.isEog(step.next);
    yield {...step, end};
    if (end) return;
  }
}

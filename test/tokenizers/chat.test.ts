import {describe, expect, it} from "vitest";
import {chatPromptIds, renderChat, untilEndOfGeneration} from "../../src/tokenizers/chat.ts";
import {byteId, byteLevelTokenizer} from "./synthetic.ts";

const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Llama 2's template, shortened: BOS per turn, [INST] markers, alternation enforced with raise_exception
const LLAMA2 =
  "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}" +
  "{% else %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

const tok = byteLevelTokenizer(["<|im_start|>", "<|im_end|>", "<s>", "</s>"]);
const [IM_START, IM_END] = [tok.id("<|im_start|>")!, tok.id("<|im_end|>")!];
const conversation = [
  {role: "system", content: "Be terse."},
  {role: "user", content: "Hi"}
];

describe("renderChat(template, tokenizer, messages)", () => {
  it("renders ChatML with the assistant turn opened", () => {
    expect(renderChat(CHATML, tok, conversation)).toBe(
      "<|im_start|>system\nBe terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    );
    expect(renderChat(CHATML, tok, conversation, {addGenerationPrompt: false})).not.toContain("assistant");
  });

  it("passes bos_token/eos_token and raise_exception (Llama 2's template)", () => {
    const llama = byteLevelTokenizer(["<s>", "</s>"], {
      "tokenizer.ggml.bos_token_id": 260,
      "tokenizer.ggml.eos_token_id": 261
    });
    const turns = [
      {role: "user", content: " Hi "},
      {role: "assistant", content: "Hello"}
    ];
    expect(renderChat(LLAMA2, llama, turns)).toBe("<s>[INST] Hi [/INST] Hello </s>");
    expect(() => renderChat(LLAMA2, llama, [{role: "assistant", content: "x"}])).toThrow(
      /chat template refused the conversation: Conversation roles must alternate/
    );
  });

  it("names a template that does not parse", () => {
    expect(() => renderChat("{% for %}", tok, conversation)).toThrow(/invalid chat template/);
  });
});

describe("chatPromptIds(template, tokenizer, messages)", () => {
  it("parses the template's special text into control tokens (plain text would not)", () => {
    const ids = chatPromptIds(CHATML, tok, conversation);
    expect(ids.filter((t) => t === IM_START)).toHaveLength(3);
    expect(ids.filter((t) => t === IM_END)).toHaveLength(2);
    expect(ids.slice(0, 2)).toEqual([IM_START, byteId("s")]);
    expect(tok.encode(renderChat(CHATML, tok, conversation))).not.toContain(IM_START);
    expect(tok.decode(ids)).toBe(renderChat(CHATML, tok, conversation));
  });

  it("adds BOS once when the template writes it too", () => {
    const llama = byteLevelTokenizer(["<s>", "</s>"], {
      "tokenizer.ggml.bos_token_id": 260,
      "tokenizer.ggml.eos_token_id": 261,
      "tokenizer.ggml.add_bos_token": true
    });
    const ids = chatPromptIds(LLAMA2, llama, [{role: "user", content: "Hi"}]);
    expect(ids[0]).toBe(260);
    expect(ids[1]).not.toBe(260);
  });
});

describe("untilEndOfGeneration(steps, tokenizer)", () => {
  async function* steps(nexts: number[], forcedCount: number) {
    for (const [i, next] of nexts.entries()) yield {pos: i, next, forced: i < forcedCount};
    yield* [];
  }
  const collect = async <T>(it: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };

  it("stops at the first sampled end-of-generation token (<|im_end|> found by its text)", async () => {
    expect(tok.isEog(IM_END)).toBe(true);
    expect(tok.special.eot).toBe(IM_END);
    const got = await collect(untilEndOfGeneration(steps([5, IM_END, 7, IM_END, 8, 9], 3), tok));
    expect(got.map((s) => s.next)).toEqual([5, IM_END, 7, IM_END]);
    expect(got.map((s) => s.end)).toEqual([false, false, false, true]);
  });
});

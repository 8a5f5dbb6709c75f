// glassbox tokenize (--model M.gguf|DIR | --tokenizer tokenizer.json) (--text T | --file F | --user U [--system S])
//   [--no-bos] [--special] [--json]
// Prints the token ids of a text, BOS added as the vocabulary's add_bos_token says. --file reads llama.cpp's vocab
// test format (cases separated by lines `__ggml_vocab_test__`) and prints one line of ids per case with add_special
// and parse_special off, as llama.cpp's test-tokenizer-0 does: `glassbox tokenize --model V.gguf --file V.gguf.inp`
// gives V.gguf.out. --user/--system render the file's chat template first and parse its special tokens.
import {existsSync} from "node:fs";
import {readFile, stat} from "node:fs/promises";
import {join} from "node:path";
import {chatPromptIds, type ChatMessage} from "../../tokenizers/chat.ts";
import {readGgufTokenizer, readHfTokenizer} from "../../tokenizers/files.node.ts";
import type {Tokenizer} from "../../tokenizers/tokenizer.ts";
import {formatIds, parseVocabTestInput} from "../../tokenizers/vocab-test-format.ts";
import type {Command, Io} from "../command.ts";
import type {RawOptions} from "../options.ts";

const str = (raw: RawOptions, name: string) => (typeof raw[name] === "string" ? (raw[name] as string) : undefined);

function exactlyOne(raw: RawOptions, names: string[], what: string): string {
  const given = names.filter((n) => raw[n] !== undefined);
  if (given.length !== 1)
    throw new Error(
      given.length === 0
        ? `missing ${what}: give one of ${names.map((n) => `--${n}`).join(", ")}`
        : `invalid options: ${given.map((n) => `--${n}`).join(" and ")} together (give one ${what})`
    );
  return given[0]!;
}

async function tokenizerFor(raw: RawOptions): Promise<Tokenizer> {
  const source = exactlyOne(raw, ["model", "tokenizer"], "tokenizer source");
  const path = str(raw, source)!;
  if (source === "tokenizer") return readHfTokenizer(path);
  // a Hugging Face folder's tokenizer is its tokenizer.json
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false
  );
  if (!isFolder) return readGgufTokenizer(path);
  const json = join(path, "tokenizer.json");
  if (!existsSync(json))
    throw new Error(`${path} has no tokenizer.json; give --tokenizer tokenizer.json from the model's repository`);
  return readHfTokenizer(json);
}

function chatMessages(raw: RawOptions): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = str(raw, "system");
  if (system !== undefined) messages.push({role: "system", content: system});
  messages.push({role: "user", content: str(raw, "user")!});
  return messages;
}

function print(io: Io, raw: RawOptions, tokenizer: Tokenizer, ids: number[]) {
  if (raw.json === true) io.out(JSON.stringify({ids, pieces: ids.map((id) => tokenizer.piece(id))}) + "\n");
  else io.out(ids.join(" ") + "\n");
}

export const tokenizeCommand: Command = {
  name: "tokenize",
  summary: "the token ids of a text with a GGUF's or a tokenizer.json's tokenizer (llama.cpp's ids)",
  modelOptions: false,
  options: [
    {name: "model", type: "string", arg: "M", help: "GGUF model or vocabulary file, or a Hugging Face folder"},
    {
      name: "tokenizer",
      type: "string",
      arg: "T",
      help: "Hugging Face tokenizer.json (tokenizer_config.json beside it)"
    },
    {name: "text", type: "string", arg: "TEXT", help: "text to tokenize"},
    {name: "file", type: "string", arg: "F", help: "llama.cpp vocab test cases: one line of ids per case"},
    {name: "user", type: "string", arg: "TEXT", help: "a user message, through the file's chat template"},
    {name: "system", type: "string", arg: "TEXT", help: "a system message before --user"},
    {name: "no-bos", type: "boolean", help: "do not add BOS/EOS (default: as the vocabulary says)"},
    {name: "special", type: "boolean", help: "special-token text becomes that token (default: plain text)"},
    {name: "json", type: "boolean", help: "print {ids, pieces} as JSON"}
  ],
  async run(raw, io) {
    const input = exactlyOne(raw, ["text", "file", "user"], "input");
    if (raw.system !== undefined && input !== "user") throw new Error("invalid option: --system needs --user");
    const tokenizer = await tokenizerFor(raw);
    if (input === "file") {
      if (raw["no-bos"] !== undefined || raw.special !== undefined || raw.json !== undefined)
        throw new Error("invalid options: --file always runs with add_special and parse_special off, as text");
      const cases = parseVocabTestInput(await readFile(str(raw, "file")!, "utf8"));
      io.out(cases.map((c) => formatIds(tokenizer.encode(c, {addSpecial: false})) + "\n").join(""));
      return;
    }
    if (input === "user") {
      if (tokenizer.chatTemplate === undefined)
        throw new Error("the tokenizer has no chat template (tokenizer.chat_template / tokenizer_config.json)");
      print(io, raw, tokenizer, chatPromptIds(tokenizer.chatTemplate, tokenizer, chatMessages(raw)));
      return;
    }
    const ids = tokenizer.encode(str(raw, "text")!, {
      addSpecial: raw["no-bos"] !== true,
      parseSpecial: raw.special === true
    });
    print(io, raw, tokenizer, ids);
  }
};

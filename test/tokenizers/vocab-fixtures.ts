// The llama.cpp vocabulary fixtures, read through the GGUF reader, and tokenizer.json files built from the same
// vocabularies the way Hugging Face's converters lay them out.
import {readFileSync} from "node:fs";
import {readGguf, type GgufFile} from "../../src/model-files/gguf/index.ts";
import {openFileSource} from "../../src/model-files/gguf/source.node.ts";
import {parseVocabTestInput, parseVocabTestOutput} from "../../src/tokenizers/vocab-test-format.ts";
import {fixturePath} from "../helpers/fixtures.ts";

export const VOCABS = ["gpt-2", "llama-spm"] as const;
export type VocabName = (typeof VOCABS)[number];

export const vocabPath = (name: VocabName) => fixturePath("tokenizers", `ggml-vocab-${name}.gguf`);

export async function readVocab(name: VocabName): Promise<GgufFile> {
  const source = await openFileSource(vocabPath(name));
  try {
    return await readGguf(source);
  } finally {
    await source.close();
  }
}

export function vocabCases(name: VocabName): {text: string; ids: number[]}[] {
  const inputs = parseVocabTestInput(readFileSync(vocabPath(name) + ".inp", "utf8"));
  const outputs = parseVocabTestOutput(readFileSync(vocabPath(name) + ".out", "utf8"));
  if (inputs.length !== outputs.length) throw new Error(`${name}: ${inputs.length} inputs, ${outputs.length} outputs`);
  return inputs.map((text, i) => ({text, ids: outputs[i]!}));
}

/** GPT-2's tokenizer.json: ByteLevel pre-tokenizer and decoder, BPE with the GGUF's tokens and merges. */
export function gpt2TokenizerJson(gguf: GgufFile): unknown {
  const tokens = gguf.metadata.getStringArray("tokenizer.ggml.tokens");
  const types = gguf.metadata.getI32Array("tokenizer.ggml.token_type");
  return {
    version: "1.0",
    added_tokens: tokens.flatMap((content, id) => (types[id] === 3 ? [{id, content, special: true}] : [])),
    normalizer: null,
    pre_tokenizer: {type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true},
    post_processor: {type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true},
    decoder: {type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true},
    model: {
      type: "BPE",
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
      merges: gguf.metadata.getStringArray("tokenizer.ggml.merges")
    }
  };
}

/** Llama's tokenizer.json as transformers' LlamaConverter writes it: Prepend/Replace normalizer, BPE with
 * byte_fallback whose merges are every split of a piece into two pieces, ordered by the piece's score. */
export function llamaTokenizerJson(gguf: GgufFile): unknown {
  const tokens = gguf.metadata.getStringArray("tokenizer.ggml.tokens");
  const scores = gguf.metadata.getF32Array("tokenizer.ggml.scores");
  const types = gguf.metadata.getI32Array("tokenizer.ggml.token_type");
  const id = new Map(tokens.map((t, i) => [t, i]));
  const merges: [string, string, number][] = [];
  tokens.forEach((piece, i) => {
    if (types[i] !== 1) return;
    const splits: [string, string, number][] = [];
    for (let k = 1; k < piece.length; k++) {
      const [a, b] = [piece.slice(0, k), piece.slice(k)];
      if (id.has(a) && id.has(b)) splits.push([a, b, scores[i]!]);
    }
    splits.sort((x, y) => id.get(x[0])! - id.get(y[0])! || id.get(x[1])! - id.get(y[1])!);
    merges.push(...splits);
  });
  merges.sort((x, y) => y[2] - x[2]);
  return {
    version: "1.0",
    added_tokens: tokens.flatMap((content, i) =>
      types[i] === 2 || types[i] === 3 ? [{id: i, content, special: true}] : []
    ),
    normalizer: {
      type: "Sequence",
      normalizers: [
        {type: "Prepend", prepend: "\u2581"},
        {type: "Replace", pattern: {String: " "}, content: "\u2581"}
      ]
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{SpecialToken: {id: "<s>", type_id: 0}}, {Sequence: {id: "A", type_id: 0}}]
    },
    decoder: {
      type: "Sequence",
      decoders: [
        {type: "Replace", pattern: {String: "\u2581"}, content: " "},
        {type: "ByteFallback"},
        {type: "Fuse"},
        {type: "Strip", content: " ", start: 1, stop: 0}
      ]
    },
    model: {
      type: "BPE",
      unk_token: "<unk>",
      fuse_unk: true,
      byte_fallback: true,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
      merges: merges.map(([a, b]) => [a, b])
    }
  };
}

export const LLAMA_CONFIG = {bos_token: "<s>", eos_token: "</s>", unk_token: "<unk>", add_bos_token: true};

// load: the built-in model, or checkpoint + tokenizer (bytes, Blob or URL) with progress, on the wasm kernels by
// default (createModel: the plain TS kernels where WebAssembly SIMD is missing, or when asked); tokenize: text <-> ids.
import {
  checkMemory,
  decode,
  decodePiece,
  DEFAULT_MAX_BYTES,
  DEFAULT_MODEL_FILES,
  encode,
  readCheckpointHeader,
  readSource,
  weightsFloats,
  BOS
} from "../../engine/index.ts";
import type {LoadArgs, LoadProgress, ModelInfo, TokenizeArgs, Tokenized} from "../protocol.ts";
import {requireModel, toTokens, type OpContext, type Session} from "../session.ts";
import {createModel} from "../../kernels/index.ts";

export async function load(session: Session, args: LoadArgs, ctx: OpContext<LoadProgress>): Promise<ModelInfo> {
  const {checkpoint, tokenizer, maxBytes = DEFAULT_MAX_BYTES, kernels = "wasm"} = args ?? {};
  if ((checkpoint === undefined) !== (tokenizer === undefined))
    throw new Error("load needs both checkpoint and tokenizer (or neither, for the built-in model)");
  const builtIn = checkpoint === undefined;
  const files = builtIn ? DEFAULT_MODEL_FILES() : {checkpoint: checkpoint!, tokenizer: tokenizer!};
  const checkpointBytes = await readSource(files.checkpoint, {
    what: "checkpoint",
    signal: ctx.signal,
    // the shape and the plain model's memory, before the rest of the file is read (createModel then counts the arena)
    check: (header, total) => checkMemory(readCheckpointHeader(header, total), maxBytes),
    onProgress: (done, total) => ctx.emit({loaded: done, total})
  });
  const tokenizerBytes = await readSource(files.tokenizer, {what: "tokenizer", signal: ctx.signal});
  ctx.check();
  const loaded = await createModel(checkpointBytes, tokenizerBytes, {kernels, maxBytes});
  // a request cancelled while the model was built keeps the model it had
  if (ctx.signal.aborted) loaded.close();
  ctx.check();
  session.loaded?.close();
  session.loaded = loaded;
  const {config} = loaded.model;
  return {
    config: {...config},
    source: builtIn ? "built-in" : "checkpoint",
    parameters: weightsFloats(config),
    backend: loaded.backend
  };
}

export function tokenize(session: Session, args: TokenizeArgs): Tokenized {
  const {tokenizer} = requireModel(session);
  const {text, bos = true, eos = false} = args ?? {};
  if (text !== undefined && typeof text !== "string") throw new Error(`invalid text: ${String(text)}`);
  const tokens = Int32Array.from(text !== undefined ? encode(tokenizer, text, bos, eos) : toTokens(args?.tokens));
  const utf8 = new TextDecoder();
  const pieces = Array.from(tokens, (t, i) =>
    i === 0 && t === BOS ? "" : utf8.decode(decodePiece(tokenizer, i > 0 ? tokens[i - 1]! : BOS, t))
  );
  return {tokens, pieces, text: decode(tokenizer, tokens)};
}

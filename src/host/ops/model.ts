// load: the built-in model, or checkpoint + tokenizer (bytes, Blob or URL) with progress; tokenize: text <-> ids.
import {decode, decodePiece, DEFAULT_MODEL_FILES, encode, loadModel, weightsFloats, BOS} from "../../engine/index.ts";
import type {LoadArgs, LoadProgress, ModelInfo, TokenizeArgs, Tokenized} from "../protocol.ts";
import {requireModel, toTokens, type OpContext, type Session} from "../session.ts";

export async function load(session: Session, args: LoadArgs, ctx: OpContext<LoadProgress>): Promise<ModelInfo> {
  const {checkpoint, tokenizer, maxBytes} = args ?? {};
  if ((checkpoint === undefined) !== (tokenizer === undefined))
    throw new Error("load needs both checkpoint and tokenizer (or neither, for the built-in model)");
  const builtIn = checkpoint === undefined;
  const files = builtIn ? DEFAULT_MODEL_FILES() : {checkpoint: checkpoint!, tokenizer: tokenizer!};
  const loaded = await loadModel(files.checkpoint, files.tokenizer, {
    maxBytes,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.emit({loaded: done, total})
  });
  ctx.check();
  session.loaded = loaded;
  const {config} = loaded.model;
  return {config: {...config}, source: builtIn ? "built-in" : "checkpoint", parameters: weightsFloats(config)};
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

// The model a command runs: the checkpoint and tokenizer given, or the built-in default.
import {loadDefaultModel} from "../engine/default-model.ts";
import {loadModelFromFiles} from "../engine/load.node.ts";
import type {LoadedModel} from "../engine/load.ts";
import type {ModelOptions} from "./options.ts";

export function loadModelFor(options: Pick<ModelOptions, "model" | "tokenizer">): Promise<LoadedModel> {
  if (options.model === undefined) return Promise.resolve(loadDefaultModel());
  return loadModelFromFiles(options.model, options.tokenizer!);
}

// The model a command runs: the checkpoint and tokenizer given, or the built-in default, on the kernels --kernels
// names (wasm by default, with --threads worker threads) through the engine's createModel.
import {createModel, type RunningModel} from "../kernels/create-model.ts";
import {DEFAULT_MODEL_FILES} from "../engine/default-model.ts";
import {readModelFiles} from "../engine/load.node.ts";
import {spawnNodeWorker} from "../kernels/threads.node.ts";
import type {ModelOptions} from "./options.ts";

export async function loadModelFor(
  options: Pick<ModelOptions, "model" | "tokenizer" | "kernels" | "threads">
): Promise<RunningModel> {
  const files =
    options.model === undefined ? DEFAULT_MODEL_FILES() : await readModelFiles(options.model, options.tokenizer!);
  const {kernels, threads} = options;
  return createModel(files.checkpoint, files.tokenizer, {kernels, threads, spawn: spawnNodeWorker});
}

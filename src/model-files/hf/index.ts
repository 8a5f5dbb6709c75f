// Hugging Face model folders (config.json + safetensors weights + optional tokenizer files), read by ranges:
//
//   const model = await readHfModel(await openFolder("path/to/folder"));   // Node (./folder.node.ts)
//   model.config.family, model.config.dim, ...;  model.tensors.get("blk.0.attn_q.weight")!.bytes
export {readHfConfig, HfConfigError, HF_ARCHITECTURES, type HfModelConfig} from "./config.ts";
export {
  readHfModel,
  readFolderConfig,
  ggufNameOf,
  HfFolderError,
  type HfModelFile,
  type HfStoredTensor,
  type ModelFolder,
  type ReadHfOptions
} from "./folder.ts";

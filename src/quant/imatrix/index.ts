// llama-imatrix: its `.dat` file format (dat.ts) and the collection from the engine's hooks (collect.ts).
export {
  imatrixImportance,
  importanceOf,
  readImatrix,
  writeImatrix,
  type ImatrixEntry,
  type ImatrixFile
} from "./dat.ts";
export {
  collectImatrix,
  imatrixFile,
  MATRIX_INPUT,
  MIN_IMATRIX_TOKENS,
  type CollectOptions,
  type ImatrixCollection,
  type ImatrixStats
} from "./collect.ts";

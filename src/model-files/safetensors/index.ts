// safetensors files, read by ranges: readSafetensors(source) checks the header; readSafetensorsBytes(source, t) reads
// one tensor as stored.
export {
  readSafetensors,
  readSafetensorsBytes,
  SafetensorsError,
  SAFETENSORS_DTYPES,
  MAX_HEADER_BYTES,
  type ReadSafetensorsOptions,
  type SafetensorsFile,
  type SafetensorsTensor
} from "./read.ts";

// Everything wrong in a GGUF file is a GgufError (file, offset, subject, problem; see ../errors.ts).
import {ModelFileError} from "../errors.ts";

export class GgufError extends ModelFileError {
  override readonly name = "GgufError";
}

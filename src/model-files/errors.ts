// One shape for everything wrong in a model file (GGUF, safetensors, a Hugging Face folder's JSON): it names the file,
// what was being read (a key, a tensor, a header field) and the byte offset where it starts, so a learner can look at
// the bytes with a hex viewer.

export class ModelFileError extends Error {
  override readonly name: string = "ModelFileError";
  constructor(
    readonly file: string,
    /** byte offset in the file of the field or item at fault; undefined for something that is absent */
    readonly offset: number | undefined,
    /** what was being read, e.g. `key "general.alignment"` or `tensor "blk.0.attn_q.weight"` */
    readonly subject: string,
    /** what is wrong and, where there is one, what to do */
    readonly problem: string
  ) {
    super(`${file}: ${subject}${offset === undefined ? "" : ` at byte ${offset}`}: ${problem}`);
  }
}

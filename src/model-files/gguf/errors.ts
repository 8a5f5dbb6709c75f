// One error type for everything wrong in a GGUF file: it names the file, what was being read (a key, a tensor, a
// header field) and the byte offset where it starts, so a learner can look at the bytes with a hex viewer.

export class GgufError extends Error {
  override readonly name = "GgufError";
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
